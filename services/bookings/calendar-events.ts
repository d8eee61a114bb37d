/**
 * CalendarEvent items (§17.14) built from bookings, with the visibility rules of §6: owners
 * and managers see the guest's name, staff the channel label only, contractors no bookings.
 */
import type { PropertyRole } from "../../shared/permissions";
import { localInstant } from "./dates";
import type { BookingDoc } from "./models";
import { isRedacted } from "./views";

/** What a property contributes to its events: its zone and default clock times. */
export interface EventSchedule {
	timezone: string;
	checkin_time: string;
	checkout_time: string;
}

const CHANNEL_LABELS: Record<string, string> = {
	airbnb: "Airbnb",
	booking: "Booking.com",
	vrbo: "Vrbo",
	direct: "Direct",
	other: "Other",
};

export const channelLabel = (channel: string) => CHANNEL_LABELS[channel] ?? channel;

const BLOCK_TITLE = "Not available";

/** Events starting together are ordered by type in the order §17.14 lists the types. */
const TYPE_ORDER = ["booking", "task", "blocked"];

/** The filter of the bookings a calendar shows: not cancelled, meeting the window. */
export const calendarFilter = (propertyIds: string[], from: string, to: string) => ({
	property_id: { $in: propertyIds },
	status: { $ne: "cancelled" },
	from: { $lte: to },
	to: { $gte: from },
});

function bookingEvent(booking: BookingDoc, role: PropertyRole, schedule: EventSchedule) {
	const reservation = booking.type === "reservation";
	const fullName = [booking.guest_first_name, booking.guest_last_name].filter(Boolean).join(" ");
	const guestName = reservation && !isRedacted(role) && fullName ? fullName : null;
	const checkin = booking.checkin_time ?? schedule.checkin_time;
	const checkout = booking.checkout_time ?? schedule.checkout_time;
	return {
		id: booking._id,
		type: reservation ? ("booking" as const) : ("blocked" as const),
		property_id: booking.property_id,
		title: reservation ? (guestName ?? channelLabel(booking.channel)) : BLOCK_TITLE,
		status: booking.status,
		from: booking.from,
		to: booking.to,
		start_at: localInstant(booking.from, checkin, schedule.timezone).toISOString(),
		end_at: localInstant(booking.to, checkout, schedule.timezone).toISOString(),
		channel: booking.channel,
		guests_number: reservation
			? booking.adults_count + booking.children_count + booking.infants_count
			: null,
		guest_name: guestName,
		booking_id: null,
		task_type: null,
		assigned_to: null,
		assigned_to_name: null,
	};
}

export type CalendarEvent = ReturnType<typeof bookingEvent>;

/**
 * The events of one property, sorted by `start_at`, then `type`. A block with the same dates
 * as a reservation is that reservation echoed by another channel's feed, and is left out.
 */
export function propertyEvents(
	bookings: BookingDoc[],
	role: PropertyRole,
	schedule: EventSchedule,
): CalendarEvent[] {
	// TODO: task events (§6: own tasks in crew view for staff, assigned ones for contractors)
	// need the tasks service, which does not exist yet; until then no calendar lists tasks.
	if (role === "contractor") return [];
	const stays = new Set(
		bookings.filter((b) => b.type === "reservation").map((b) => `${b.from}|${b.to}`),
	);
	return bookings
		.filter((b) => b.type === "reservation" || !stays.has(`${b.from}|${b.to}`))
		.map((b) => bookingEvent(b, role, schedule))
		.sort(
			(a, b) =>
				a.start_at.localeCompare(b.start_at) ||
				TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) ||
				a.id.localeCompare(b.id),
		);
}
