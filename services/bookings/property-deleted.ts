/**
 * Bookings' side of a property's deletion (§11.6): the properties service asks which current
 * or future reservations would be cancelled, then publishes property.deleted; this service
 * cancels them, with every other active booking still ahead, and frees their nights.
 */
import { config } from "../../shared/config";
import type { RequestContext } from "../../shared/context";
import type { DomainEvent } from "../../shared/events/envelope";
import { scheduleOf } from "./booking-access";
import { cancelBooking } from "./booking-update";
import { localToday } from "../../shared/local-dates";
import { dropPropertyFeeds } from "./ical/feeds";
import type { BookingDoc } from "./models";
import type { BookingsService } from "./service-types";

/** Active bookings of the property whose stay has not ended ("today" is property-local). */
async function upcoming(
	this: BookingsService,
	ctx: RequestContext<unknown> | null,
	propertyId: string,
	types: string[],
): Promise<BookingDoc[]> {
	const schedule = await scheduleOf.call(this, ctx, propertyId);
	const today = localToday(schedule?.timezone ?? config().defaultTimezone);
	return this.models.Booking.find({
		property_id: propertyId,
		type: { $in: types },
		status: { $in: ["pending", "confirmed"] },
		to: { $gte: today },
	})
		.sort({ from: 1, _id: 1 })
		.lean<BookingDoc[]>();
}

/** `bookings.upcomingForProperty`: current or future pending/confirmed reservations. */
export async function upcomingForProperty(
	this: BookingsService,
	ctx: RequestContext<{ propertyId: string }>,
) {
	const propertyId = ctx.params.propertyId.toLowerCase();
	const bookings = await upcoming.call(this, ctx, propertyId, ["reservation"]);
	return { ids: bookings.map((booking) => booking._id) };
}

/** Handles property.deleted; idempotent (cancelled bookings are no longer active). */
export async function onPropertyDeleted(this: BookingsService, event: DomainEvent) {
	const data = event.data as { property_id: string; cancelled_booking_ids?: string[] };
	const propertyId = data.property_id;
	const listed = await this.models.Booking.find({
		_id: { $in: data.cancelled_booking_ids ?? [] },
		property_id: propertyId,
		status: { $ne: "cancelled" },
	}).lean<BookingDoc[]>();
	const ahead = await upcoming.call(this, null, propertyId, ["reservation", "block"]);
	const byId = new Map([...listed, ...ahead].map((booking) => [booking._id, booking]));
	// Feeds first, so no sync re-imports what is being cancelled.
	await dropPropertyFeeds.call(this, propertyId);
	for (const booking of byId.values()) {
		await cancelBooking.call(this, null, booking, "property_deleted");
	}
	this.logger.info(`Property ${propertyId} deleted: ${byId.size} bookings cancelled`);
}
