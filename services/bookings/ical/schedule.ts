/**
 * Who syncs a feed, and when. Every replica ticks; for each due feed it inserts the lease of
 * the current interval (`<feed>:slot:<n>`), and only the replica whose insert succeeds goes
 * on. Any sync, scheduled or triggered by a URL change, also holds `<feed>:running` while it
 * runs, so two syncs of one feed never interleave. Both are unique `_id` inserts because a
 * conditional update is not atomic on FerretDB.
 */
import type { BookingsService } from "../service-types";
import { syncIntervalMs } from "./interval";
import type { IcalFeedDoc } from "./models";
import { syncFeed, type SyncOutcome } from "./sync";

/** A `running` lease older than this was left by a crashed replica (a sync takes ≤ ~1 min). */
const RUNNING_STALE_MS = 5 * 60_000;
/** Slot and takeover leases are only needed while their interval or lease can be claimed. */
const SLOT_RETENTION_MS = 24 * 60 * 60_000;
const RETRY_BUSY_MS = 2_000;
const RETRIES_WHEN_BUSY = 15;
const DUPLICATE_KEY = 11000;

async function insertLease(this: BookingsService, id: string, feedId: string) {
	try {
		await this.models.IcalLease.create({
			_id: id,
			feed_id: feedId,
			holder: this.broker.nodeID,
			acquired_at: new Date(),
		});
		return true;
	} catch (err) {
		if ((err as { code?: number })?.code === DUPLICATE_KEY) return false;
		throw err;
	}
}

/**
 * Takes the feed's `running` lease, or a crashed replica's stale one. Deleting a stale lease
 * by a condition is not atomic on FerretDB, so a replica that saw it stale could remove the
 * fresh lease another replica just put in its place; only the replica whose takeover insert
 * for that very lease wins may delete it.
 */
async function takeRunningLease(this: BookingsService, id: string, feedId: string) {
	if (await insertLease.call(this, id, feedId)) return true;
	const lease = await this.models.IcalLease.findById(id).lean<{
		acquired_at: Date;
		holder: string;
	}>();
	if (!lease) return insertLease.call(this, id, feedId); // released meanwhile
	const since = lease.acquired_at.getTime();
	if (since > Date.now() - RUNNING_STALE_MS) return false;
	if (!(await insertLease.call(this, `${id}:takeover:${since}`, feedId))) return false;
	const left = lease.acquired_at.toISOString();
	this.logger.warn(
		`iCal feed ${feedId}: taking over the sync lease ${lease.holder} left at ${left}`,
	);
	await this.models.IcalLease.deleteOne({ _id: id, acquired_at: lease.acquired_at });
	return insertLease.call(this, id, feedId);
}

/** Runs a sync of the feed unless one is already running; "busy" when it was. */
export async function syncExclusive(
	this: BookingsService,
	feedId: string,
): Promise<SyncOutcome | null | "busy"> {
	const id = `${feedId}:running`;
	if (!(await takeRunningLease.call(this, id, feedId))) return "busy";
	try {
		return await syncFeed.call(this, feedId);
	} finally {
		await this.models.IcalLease.deleteOne({ _id: id, holder: this.broker.nodeID });
	}
}

/** A sync right after a feed is added or changed, waiting for a running one to finish. */
export async function syncSoon(this: BookingsService, feedId: string): Promise<void> {
	for (let attempt = 0; attempt <= RETRIES_WHEN_BUSY; attempt++) {
		const outcome = await syncExclusive.call(this, feedId);
		if (outcome !== "busy") return;
		await new Promise((resolve) => setTimeout(resolve, RETRY_BUSY_MS));
	}
	this.logger.warn(`iCal feed ${feedId} stayed busy; the schedule will sync it`);
}

/** One tick: syncs every feed whose interval has passed and whose slot this replica wins. */
export async function syncDueFeeds(this: BookingsService, now = Date.now()): Promise<number> {
	const interval = syncIntervalMs();
	const dueBefore = new Date(now - interval);
	const feeds = await this.models.IcalFeed.find({
		$or: [{ last_sync_at: null }, { last_sync_at: { $lt: dueBefore } }],
	})
		.select("_id")
		.lean<Pick<IcalFeedDoc, "_id">[]>();
	let synced = 0;
	for (const { _id } of feeds) {
		const slot = `${_id}:slot:${Math.floor(now / interval)}`;
		if (!(await insertLease.call(this, slot, _id))) continue;
		const outcome = await syncExclusive.call(this, _id);
		if (outcome !== "busy" && outcome?.status !== "deferred") synced++;
	}
	await this.models.IcalLease.deleteMany({
		_id: { $regex: ":(slot|takeover):" },
		acquired_at: { $lt: new Date(now - SLOT_RETENTION_MS) },
	});
	return synced;
}

/** Starts the ticker; jitter keeps replicas (and restarts) from ticking in step. */
export function startSchedule(this: BookingsService): NodeJS.Timeout {
	const tickMs = Math.min(60_000, syncIntervalMs());
	const timer = setInterval(
		() => {
			syncDueFeeds.call(this).catch((err: unknown) => {
				this.logger.error("iCal schedule tick failed", err);
			});
		},
		tickMs + Math.floor(Math.random() * 5_000),
	);
	timer.unref();
	return timer;
}
