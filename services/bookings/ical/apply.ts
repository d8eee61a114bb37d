/**
 * Applies one successful fetch to the property's bookings (§11.11 "New reservations",
 * "Changes", "Disappearance"). Each feed UID is linked to one booking by a unique insert; an
 * event whose nights are taken is stored as a conflict (conflicts.ts).
 *
 * A UID whose booking this module cancelled (`ical_removed`) keeps its link: when the channel
 * lists it again, the same booking is restored — holding its nights if they are free, else as
 * a conflict like any overlapping import — so a UID never makes a second booking.
 */
import { buildEvent } from "../../../shared/events/envelope";
import { outboxEntries, queueEvents } from "../../../shared/events/outbox";
import { newId, newPublicCode } from "../../../shared/ids";
import { cancelBooking } from "../booking-update";
import { keysOf, releaseKeys } from "../claims";
import type { BookingDoc } from "../models";
import type { BookingsService } from "../service-types";
import { createdData, previousOf, searchFields } from "../views";
import { claimOrConflict, clearResolvedConflicts, overlapsAnother } from "./conflicts";
import type { IcalFeedDoc, IcalLinkDoc } from "./models";
import type { FeedEvent } from "./parse";

/** Fetches a current or future reservation must be missing from before it is cancelled. */
export const MISSING_FETCHES_TO_CANCEL = 3;

export interface SyncCounts {
	created: number;
	updated: number;
	cancelled: number;
}

interface Target {
	feed: IcalFeedDoc;
	accountId: string;
	today: string;
}

const linkKey = (feed: IcalFeedDoc, uid: string) => `${feed._id}:${uid}`;
const DUPLICATE_KEY = 11000;
const isDuplicate = (err: unknown) => (err as { code?: number })?.code === DUPLICATE_KEY;

export async function applyFeed(
	this: BookingsService,
	target: Target,
	events: FeedEvent[],
): Promise<SyncCounts> {
	const counts: SyncCounts = { created: 0, updated: 0, cancelled: 0 };
	const { IcalLink, Booking } = this.models;
	const links = await IcalLink.find({ feed_id: target.feed._id }).lean<IcalLinkDoc[]>();
	const byKey = new Map(links.map((link) => [link._id, link]));

	for (const parsed of events) {
		const event = await unechoed.call(this, target, parsed);
		const link = byKey.get(linkKey(target.feed, event.uid));
		byKey.delete(linkKey(target.feed, event.uid));
		const booking = link && (await Booking.findById(link.booking_id).lean<BookingDoc>());
		if (!link || !booking) {
			if (await createFromEvent.call(this, target, event, link)) counts.created++;
			continue;
		}
		if (link.missing_count > 0 || link.removed_at) {
			await IcalLink.updateOne(
				{ _id: link._id },
				{ $set: { missing_count: 0, removed_at: null } },
			);
		}
		if (booking.status === "cancelled") {
			// A booking the host (or a deletion) cancelled is never revived by the feed; one
			// this module cancelled because the UID vanished comes back with it.
			if (link.removed_at && (await updateFromEvent.call(this, booking, event))) {
				counts.updated++;
			}
			continue;
		}
		if (await updateFromEvent.call(this, booking, event)) counts.updated++;
	}

	// Whatever is left was absent from this fetch.
	await countAbsences.call(this, target, [...byKey.values()], counts);
	await clearResolvedConflicts.call(this, target.feed.property_id);
	return counts;
}

/**
 * A 304 repeats the last good snapshot, so it is a successful fetch too: the UIDs absent
 * from that snapshot (missing_count > 0) are absent once more, or a vanished stay would never
 * be cancelled while the channel keeps answering 304.
 */
export async function applyNotModified(this: BookingsService, target: Target) {
	const counts: SyncCounts = { created: 0, updated: 0, cancelled: 0 };
	const links = await this.models.IcalLink.find({ feed_id: target.feed._id }).lean<
		IcalLinkDoc[]
	>();
	const missing = links.filter((link) => link.missing_count > 0);
	// What the snapshot lists, as it was before this sync counted the absences.
	const listed = links.filter((link) => link.missing_count === 0 && !link.removed_at);
	await countAbsences.call(this, target, missing, counts);
	await clearResolvedConflicts.call(this, target.feed.property_id);
	await markSynced.call(this, listed);
	return counts;
}

/** Stamps `last_sync_at` on the active bookings the repeated snapshot lists, as a 200 does. */
async function markSynced(this: BookingsService, listed: IcalLinkDoc[]) {
	await this.models.Booking.updateMany(
		{
			_id: { $in: listed.map((link) => link.booking_id) },
			status: { $ne: "cancelled" },
		} as Record<string, unknown>,
		{ $set: { last_sync_at: new Date() } },
	);
}

/** Counts one more absence of each link's UID; cancels what has been missing long enough. */
async function countAbsences(
	this: BookingsService,
	target: Target,
	links: IcalLinkDoc[],
	counts: SyncCounts,
) {
	const { IcalLink, Booking } = this.models;
	for (const link of links) {
		const booking = await Booking.findById(link.booking_id).lean<BookingDoc>();
		if (!booking || booking.status === "cancelled") continue;
		if (booking.to < target.today) continue; // past stays stay as they were
		const missing = link.missing_count + 1;
		if (booking.type === "block" || missing >= MISSING_FETCHES_TO_CANCEL) {
			await cancelBooking.call(this, null, booking, "ical_removed");
			// The link stays, marked, so that the UID coming back restores this booking.
			await IcalLink.updateOne(
				{ _id: link._id },
				{ $set: { missing_count: 0, removed_at: new Date() } },
			);
			counts.cancelled++;
		} else {
			await IcalLink.updateOne({ _id: link._id }, { $set: { missing_count: missing } });
		}
	}
}

/**
 * Echo (§11.11): hosts sync channels into each other, so Booking.com often lists an Airbnb
 * stay as "CLOSED". A reservation with exactly the dates of an active reservation from the
 * other channel, or of a manual one, is that echo and is stored as a block. Whichever feed
 * is fetched first, this converges: a Booking.com reservation stored before its Airbnb twin
 * turns into a block on the next Booking.com fetch, and the Airbnb one, flagged meanwhile,
 * takes its nights and loses the flag on the fetch after.
 */
async function unechoed(this: BookingsService, target: Target, event: FeedEvent) {
	// Airbnb says itself what is a reservation ("Reserved"); only Booking.com needs guessing.
	if (target.feed.source !== "booking" || event.type !== "reservation") return event;
	const twin = await this.models.Booking.exists({
		property_id: target.feed.property_id,
		type: "reservation",
		status: { $in: ["pending", "confirmed"] },
		from: event.from,
		to: event.to,
		$or: [{ source: "manual" }, { source: "ical", channel: { $ne: target.feed.source } }],
	});
	return twin ? { ...event, type: "block" as const } : event;
}

async function createFromEvent(
	this: BookingsService,
	target: Target,
	event: FeedEvent,
	staleLink: IcalLinkDoc | undefined,
): Promise<boolean> {
	const { feed } = target;
	const id = newId();
	const now = new Date();
	if (staleLink) await this.models.IcalLink.deleteOne({ _id: staleLink._id });
	try {
		// The link is the uniqueness guarantee: a second sync of the same UID stops here.
		await this.models.IcalLink.create({
			_id: linkKey(feed, event.uid),
			feed_id: feed._id,
			booking_id: id,
			created_at: now,
		});
	} catch (err) {
		if (isDuplicate(err)) return false;
		throw err;
	}

	const booking = {
		_id: id,
		property_id: feed.property_id,
		account_id: target.accountId,
		type: event.type,
		from: event.from,
		to: event.to,
		channel: feed.source,
		channel_id: event.channel_id,
		source: "ical",
		status: "confirmed",
		adults_count: event.type === "reservation" ? 1 : 0,
		children_count: 0,
		infants_count: 0,
		has_conflict: false,
		last_sync_at: now,
		created_at: now,
		updated_at: now,
	} as BookingDoc;
	if (event.type === "reservation") booking.checkin_code = newPublicCode();
	Object.assign(booking, searchFields(booking));

	const keys = keysOf(booking);
	booking.has_conflict = await claimOrConflict.call(this, booking, keys);
	const created = buildEvent(null, "booking.created", {
		accountId: target.accountId,
		propertyId: feed.property_id,
		data: createdData(booking),
	});
	try {
		await this.models.Booking.create({ ...booking, outbox: outboxEntries(created) });
	} catch (err) {
		await releaseKeys.call(this, id, keys);
		await this.models.IcalLink.deleteOne({ _id: linkKey(feed, event.uid) });
		throw err;
	}
	await this.flushOutbox("Booking", id);
	return true;
}

/**
 * Moves the booking to the feed's dates, and restores it if the UID had vanished (it then
 * holds no claims, so it takes them all again); only feed-owned fields are ever written.
 */
async function updateFromEvent(
	this: BookingsService,
	booking: BookingDoc,
	event: FeedEvent,
): Promise<boolean> {
	const now = new Date();
	const restoring = booking.status === "cancelled";
	const changed: string[] = (["from", "to", "channel_id", "type"] as const).filter(
		(field) => booking[field] !== event[field],
	);
	if (restoring) changed.push("status");
	const next = {
		...booking,
		from: event.from,
		to: event.to,
		channel_id: event.channel_id,
		status: restoring ? "confirmed" : booking.status,
	};
	// An Airbnb block that turns into a reservation (or back) keeps its booking: the type is
	// the feed's to decide for imported bookings.
	next.type = event.type;

	// What it holds, read rather than inferred: `has_conflict` is also set on bookings that
	// hold their nights (the ones an import overlaps).
	const held = await this.models.NightClaim.find({ booking_id: booking._id }).distinct("_id");
	const before = held.map(String);
	const after = keysOf(next);
	const wanted = after.filter((key) => !before.includes(key));
	const lost = await claimOrConflict.call(this, next, wanted);
	const conflict = lost || (await overlapsAnother.call(this, next));
	if (changed.length === 0 && conflict === booking.has_conflict) {
		await this.models.Booking.updateOne({ _id: booking._id }, { $set: { last_sync_at: now } });
		return false;
	}
	const fields = conflict !== booking.has_conflict ? [...changed, "has_conflict"] : changed;
	const event_ = buildEvent(null, "booking.updated", {
		accountId: booking.account_id,
		propertyId: booking.property_id,
		data: {
			booking_id: booking._id,
			changed_fields: fields,
			previous: previousOf(booking),
		},
	});
	const set: Record<string, unknown> = {
		from: next.from,
		to: next.to,
		channel_id: next.channel_id,
		type: next.type,
		status: next.status,
		has_conflict: conflict,
		...searchFields(next),
		last_sync_at: now,
		updated_at: now,
	};
	if (restoring) set.cancelled_at = null;
	// Blocks carry no check-in code (see models.ts); a block turned reservation gets one.
	if (next.type === "reservation" && !booking.checkin_code) set.checkin_code = newPublicCode();
	const unset = next.type === "block" ? { $unset: { checkin_code: 1 } } : {};
	await this.models.Booking.updateOne(
		{ _id: booking._id },
		{ $set: set, ...unset, ...queueEvents(event_) },
	);
	// Keys it no longer needs, or all of them once it lost some (it then holds none).
	const release = lost ? before : before.filter((key) => !after.includes(key));
	await releaseKeys.call(this, booking._id, release);
	await this.flushOutbox("Booking", booking._id);
	if (restoring) {
		const held = conflict ? "as a conflict" : "with its nights";
		this.logger.info(`Booking ${booking._id} restored by its channel's feed, ${held}`);
	}
	return true;
}
