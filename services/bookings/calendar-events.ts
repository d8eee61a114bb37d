/**
 * CalendarEvent items (§17.14) built from bookings, with the visibility rules of §6: owners
 * and managers see the guest's name, staff the channel label only, contractors no bookings.
 * Task items come ready-made from the tasks service and are merged in here.
 */
import type { PropertyRole } from "../../shared/permissions";
import { localInstant } from "../../shared/local-dates";
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

/** CalendarEvent (§17.14). */
export interface CalendarEvent {
	id: string;
	type: "booking" | "task" | "blocked";
	property_id: string;
	title: string;
	status: string | null;
	from: string;
	to: string;
	start_at: string;
	end_at: string;
	channel: string | null;
	guests_number: number | null;
	guest_name: string | null;
	booking_id: string | null;
	task_type: string | null;
	assigned_to: string | null;
	assigned_to_name: string | null;
}

function bookingEvent(
	booking: BookingDoc,
	role: PropertyRole,
	schedule: EventSchedule,
): CalendarEvent {
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

/**
 * The events of one property, sorted by `start_at`, then `type`. A block with the same dates
 * as a reservation is that reservation echoed by another channel's feed, and is left out.
 * Contractors see their tasks only.
 */
export function propertyEvents(
	bookings: BookingDoc[],
	tasks: CalendarEvent[],
	role: PropertyRole,
	schedule: EventSchedule,
): CalendarEvent[] {
	const shown = role === "contractor" ? [] : bookings;
	const stays = new Set(
		shown.filter((b) => b.type === "reservation").map((b) => `${b.from}|${b.to}`),
	);
	return shown
		.filter((b) => b.type === "reservation" || !stays.has(`${b.from}|${b.to}`))
		.map((b) => bookingEvent(b, role, schedule))
		.concat(tasks)
		.sort(
			(a, b) =>
				a.start_at.localeCompare(b.start_at) ||
				TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) ||
				a.id.localeCompare(b.id),
		);
}
