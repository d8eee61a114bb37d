/**
 * One sync of one feed (§11.11): fetch, parse, apply, record. A failure changes no booking:
 * the last good snapshot stays in force and only the feed's state records the error.
 * Logs name the property and source only: a feed URL carries the host's secret token.
 */
import { config } from "../../../shared/config";
import { buildEvent } from "../../../shared/events/envelope";
import { scheduleOf } from "../booking-access";
import { addDays, localToday } from "../../../shared/local-dates";
import type { BookingDoc } from "../models";
import type { BookingsService } from "../service-types";
import { applyFeed, applyNotModified, type SyncCounts } from "./apply";
import { FeedFetchError, fetchFeed } from "./fetch";
import type { IcalFeedDoc } from "./models";
import { parseFeed } from "./parse";

/** How long an empty feed replacing a non-empty one counts as a failure (§11.11). */
const EMPTY_FEED_GRACE_MS = 24 * 60 * 60 * 1000;

export interface SyncOutcome extends SyncCounts {
	/** `deferred`: not fetched, the host asked to wait (`retry_not_before`); nothing changed. */
	status: "ok" | "error" | "deferred";
	error: string | null;
}

const NONE: SyncCounts = { created: 0, updated: 0, cancelled: 0 };

/** Syncs the feed `feedId` now. The caller holds its `running` lease (schedule.ts). */
export async function syncFeed(this: BookingsService, feedId: string): Promise<SyncOutcome | null> {
	const feed = await this.models.IcalFeed.findById(feedId).lean<IcalFeedDoc>();
	if (!feed) return null;
	const label = `${feed.source} feed of property ${feed.property_id}`;
	if (feed.retry_not_before && feed.retry_not_before.getTime() > Date.now()) {
		const until = feed.retry_not_before.toISOString();
		this.logger.info(`iCal sync of the ${label} waits until ${until}, as its host asked`);
		return { status: "deferred", error: feed.last_error, ...NONE };
	}
	const schedule = await scheduleOf.call(this, null, feed.property_id);
	if (!schedule) return null; // the property is gone; property.deleted drops the feed
	const timeZone = schedule.timezone ?? config().defaultTimezone;
	const today = localToday(timeZone);

	let outcome: SyncOutcome;
	let validators = { etag: feed.etag, last_modified: feed.last_modified };
	let eventsCount = feed.events_count;
	let emptySince: Date | null = null;
	let retryNotBefore: Date | null = null;
	try {
		// A flagged booking of this feed settles only by applying the body again (claims are
		// retried, an echo turns into a block), so such a feed is fetched unconditionally.
		const linked = await linkedBookingIds.call(this, feed);
		const conditional = !(await hasConflicts.call(this, linked));
		const answer = await fetchFeed(
			feed.url,
			conditional ? { etag: feed.etag, lastModified: feed.last_modified } : {},
		);
		if (answer.status === 304) {
			const target = { feed, accountId: schedule.account_id, today };
			outcome = { status: "ok", error: null, ...(await applyNotModified.call(this, target)) };
		} else {
			const events = parseFeed(answer.body, feed.source, timeZone, addDays(today, -1));
			if (events.length === 0 && (await hadCurrentStays.call(this, linked, today))) {
				emptySince = feed.empty_since ?? new Date();
				if (Date.now() - emptySince.getTime() < EMPTY_FEED_GRACE_MS) {
					throw new FeedFetchError("empty_feed", "The feed came back empty");
				}
			}
			const counts = await applyFeed.call(
				this,
				{ feed, accountId: schedule.account_id, today },
				events,
			);
			outcome = { status: "ok", error: null, ...counts };
			validators = { etag: answer.etag, last_modified: answer.lastModified };
			eventsCount = events.length;
			emptySince = null;
		}
	} catch (err) {
		if (!(err instanceof FeedFetchError)) throw err;
		outcome = { status: "error", error: err.kind, ...NONE };
		if (err.retryAfterMs !== undefined) {
			retryNotBefore = new Date(Date.now() + err.retryAfterMs);
		}
		const wait = retryNotBefore
			? `; next request not before ${retryNotBefore.toISOString()}`
			: "";
		this.logger.warn(`iCal sync of the ${label} failed: ${err.kind}${wait}`);
	}

	const now = new Date();
	const ok = outcome.status === "ok";
	await this.models.IcalFeed.updateOne(
		{ _id: feed._id },
		{
			$set: {
				status: outcome.status,
				last_sync_at: now,
				last_error: outcome.error,
				...(ok ? { last_success_at: now, consecutive_failures: 0 } : {}),
				...(ok ? { events_count: eventsCount, ...validators } : {}),
				empty_since: emptySince,
				retry_not_before: retryNotBefore,
				updated_at: now,
			},
			...(ok ? {} : { $inc: { consecutive_failures: 1 } }),
		},
	);
	const changed = outcome.created + outcome.updated + outcome.cancelled > 0;
	if (!ok || changed) await announce.call(this, feed, schedule.account_id, outcome);
	if (changed) {
		this.logger.info(
			`iCal sync of the ${label}: ${outcome.created} created, ` +
				`${outcome.updated} updated, ${outcome.cancelled} cancelled`,
		);
	}
	return outcome;
}

/** The bookings the feed's UIDs became, as the last good snapshot left them. */
function linkedBookingIds(this: BookingsService, feed: IcalFeedDoc): Promise<string[]> {
	return this.models.IcalLink.find({ feed_id: feed._id }).distinct("booking_id");
}

/** Whether one of the feed's active bookings is flagged as overlapping another. */
async function hasConflicts(this: BookingsService, linked: string[]) {
	const flagged = await this.models.Booking.exists({
		_id: { $in: linked },
		status: { $ne: "cancelled" },
		has_conflict: true,
	} as Partial<Record<keyof BookingDoc, unknown>>);
	return flagged !== null;
}

/** Whether the feed's last good snapshot still lists a current or future stay. */
async function hadCurrentStays(this: BookingsService, linked: string[], today: string) {
	const count = await this.models.Booking.countDocuments({
		_id: { $in: linked },
		status: { $ne: "cancelled" },
		to: { $gte: today },
	} as Partial<Record<keyof BookingDoc, unknown>>);
	return count > 0;
}

/** `ical.synced` (§19). Not in an outbox: a lost one only thins the activity feed. */
async function announce(
	this: BookingsService,
	feed: IcalFeedDoc,
	accountId: string,
	outcome: SyncOutcome,
) {
	const event = buildEvent(null, "ical.synced", {
		accountId,
		propertyId: feed.property_id,
		data: { source: feed.source, ...outcome },
	});
	try {
		await this.publishEvent(event);
	} catch (err) {
		this.logger.warn(`ical.synced for property ${feed.property_id} not published`, err);
	}
}
