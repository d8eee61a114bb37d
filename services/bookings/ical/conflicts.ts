/**
 * Conflicts of imported stays (§11.11): a feed event whose nights are already claimed
 * (typically by a direct booking) is still stored, with `has_conflict: true` on it and on what
 * it overlaps, but it takes no claims. The feed is a report of what the channel already sold,
 * so refusing it would hide a real double booking from the host; holding no claims keeps the
 * manual booking's claims and its 409 on further manual overlaps intact. Each later fetch
 * retries the claims, so the flag clears itself once the host resolves the overlap. Every
 * change of a flag is published as booking.updated (`changed_fields` names `has_conflict`)
 * through the booking's outbox.
 */
import { ApiError } from "../../../shared/errors";
import { buildEvent } from "../../../shared/events/envelope";
import { queueEvents } from "../../../shared/events/outbox";
import { claimKeys } from "../claims";
import type { BookingDoc } from "../models";
import type { BookingsService } from "../service-types";
import { previousOf } from "../views";

/** Claims the booking's keys; on an overlap it holds none and the overlap is flagged. */
export async function claimOrConflict(this: BookingsService, booking: BookingDoc, keys: string[]) {
	try {
		await claimKeys.call(this, booking._id, keys);
		return false;
	} catch (err) {
		if (!(err instanceof ApiError) || err.code !== 409) throw err;
		await flagOverlaps.call(this, booking);
		return true;
	}
}

/** Whether another active reservation shares a night with this reservation. */
export async function overlapsAnother(
	this: BookingsService,
	booking: BookingDoc,
): Promise<boolean> {
	if (booking.type !== "reservation") return false;
	return !!(await this.models.Booking.exists(overlapFilter(booking)));
}

const overlapFilter = (booking: BookingDoc) => ({
	property_id: booking.property_id,
	_id: { $ne: booking._id },
	type: "reservation",
	status: { $in: ["pending", "confirmed"] },
	from: { $lt: booking.to },
	to: { $gt: booking.from },
});

/** Sets `has_conflict` on the active reservations the booking's nights overlap. */
async function flagOverlaps(this: BookingsService, booking: BookingDoc) {
	if (booking.type !== "reservation") return;
	const overlapped = await this.models.Booking.find({
		...overlapFilter(booking),
		has_conflict: { $ne: true },
	}).lean<BookingDoc[]>();
	for (const other of overlapped) await setConflict.call(this, other, true);
}

/**
 * Clears the flag of the property's manual reservations that no active reservation overlaps
 * any more (the import moved, vanished or was cancelled). Imported bookings re-evaluate
 * their own flag on each fetch of their feed (updateFromEvent).
 */
export async function clearResolvedConflicts(this: BookingsService, propertyId: string) {
	const flagged = await this.models.Booking.find({
		property_id: propertyId,
		source: "manual",
		type: "reservation",
		status: { $in: ["pending", "confirmed"] },
		has_conflict: true,
	}).lean<BookingDoc[]>();
	for (const booking of flagged) {
		if (!(await overlapsAnother.call(this, booking))) {
			await setConflict.call(this, booking, false);
		}
	}
}

/** Writes the flag and its booking.updated event in one update, then publishes the event. */
async function setConflict(this: BookingsService, booking: BookingDoc, value: boolean) {
	const event = buildEvent(null, "booking.updated", {
		accountId: booking.account_id,
		propertyId: booking.property_id,
		data: {
			booking_id: booking._id,
			changed_fields: ["has_conflict"],
			previous: previousOf(booking),
		},
	});
	await this.models.Booking.updateOne(
		{ _id: booking._id },
		{ $set: { has_conflict: value, updated_at: new Date() }, ...queueEvents(event) },
	);
	await this.flushOutbox("Booking", booking._id);
}
