/**
 * What the tasks service asks bookings about (§14.11, §17.15): one booking's stay with its
 * clock times resolved, and the next reservation after a date for a cleaner's context. Guest
 * personal data never leaves through these.
 */
import type { RequestContext } from "../../shared/context";
import { localInstant } from "../../shared/local-dates";
import { scheduleOf } from "./booking-access";
import type { BookingDoc } from "./models";
import type { BookingsService, PropertySchedule } from "./service-types";

/** `bookings.stayOf`: null for an unknown booking or a property that no longer answers. */
export async function stayOf(this: BookingsService, ctx: RequestContext<{ bookingId: string }>) {
	const booking = await this.models.Booking.findById(ctx.params.bookingId.toLowerCase())
		.select("property_id type status from to checkin_time checkout_time")
		.lean<BookingDoc>();
	if (!booking) return null;
	const schedule = await scheduleOf.call(this, ctx, booking.property_id);
	if (!schedule) return null;
	const checkin = booking.checkin_time ?? schedule.checkin_time;
	const checkout = booking.checkout_time ?? schedule.checkout_time;
	return {
		id: booking._id,
		property_id: booking.property_id,
		type: booking.type,
		status: booking.status,
		from: booking.from,
		to: booking.to,
		checkin_time: checkin,
		checkout_time: checkout,
		checkin_at: localInstant(booking.from, checkin, schedule.timezone).toISOString(),
		checkout_at: localInstant(booking.to, checkout, schedule.timezone).toISOString(),
	};
}

export interface NextStayQuery {
	propertyId: string;
	/** Property-local date: the reservation must start on or after it. */
	date: string;
}

/**
 * `bookings.nextStays`: for each query, the next non-cancelled reservation of the property
 * starting on or after the date, as a NextBookingContext, or null. Answers in query order.
 */
export async function nextStays(
	this: BookingsService,
	ctx: RequestContext<{ queries: NextStayQuery[] }>,
) {
	const schedules = new Map<string, PropertySchedule | null>();
	const answers = [];
	for (const query of ctx.params.queries) {
		const propertyId = query.propertyId.toLowerCase();
		if (!schedules.has(propertyId)) {
			schedules.set(propertyId, await scheduleOf.call(this, ctx, propertyId));
		}
		const schedule = schedules.get(propertyId);
		const next = await this.models.Booking.findOne({
			property_id: propertyId,
			type: "reservation",
			status: { $ne: "cancelled" },
			from: { $gte: query.date },
		})
			.sort({ from: 1, _id: 1 })
			.select("from to checkin_time adults_count children_count infants_count")
			.lean<BookingDoc>();
		if (!next || !schedule) {
			answers.push(null);
			continue;
		}
		answers.push({
			from: next.from,
			to: next.to,
			checkin_time: next.checkin_time ?? schedule.checkin_time,
			adults_count: next.adults_count,
			children_count: next.children_count,
			infants_count: next.infants_count,
			guests_number: next.adults_count + next.children_count + next.infants_count,
		});
	}
	return answers;
}
