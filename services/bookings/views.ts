/**
 * The Booking response (§17.5). Staff get the redacted booking: guest personal data, the
 * check-in code, payment and SES fields and access codes as null (§1.5).
 */
import { FULL_VIEW_ROLES, type PropertyRole } from "../../shared/permissions";
import type { BookingDoc } from "./models";

const instant = (value: Date | null | undefined) => (value ? value.toISOString() : null);

export const isRedacted = (role: PropertyRole) => !FULL_VIEW_ROLES.includes(role);

/** `detail` adds what only `GET /v1/bookings/{id}` carries. */
export function bookingView(booking: BookingDoc, role: PropertyRole, detail = false) {
	const secret = <T>(value: T) => (isRedacted(role) ? null : value);
	return {
		id: booking._id,
		property_id: booking.property_id,
		type: booking.type,
		from: booking.from,
		to: booking.to,
		channel: booking.channel,
		channel_id: booking.channel_id ?? null,
		source: booking.source,
		status: booking.status,
		guest_first_name: secret(booking.guest_first_name ?? null),
		guest_last_name: secret(booking.guest_last_name ?? null),
		guest_email: secret(booking.guest_email ?? null),
		guest_phone: secret(booking.guest_phone ?? null),
		checkin_code: secret(booking.checkin_code ?? null),
		payment_type: secret(booking.payment_type ?? null),
		adults_count: booking.adults_count,
		children_count: booking.children_count,
		infants_count: booking.infants_count,
		guests_number: booking.adults_count + booking.children_count + booking.infants_count,
		guests_registered: booking.guests_registered ?? 0,
		notes: booking.notes ?? null,
		special_requests: booking.special_requests ?? null,
		arrival_time: booking.arrival_time ?? null,
		departure_time: booking.departure_time ?? null,
		checkin_time: booking.checkin_time ?? null,
		checkout_time: booking.checkout_time ?? null,
		checkin_completed_at: instant(booking.checkin_completed_at),
		has_conflict: booking.has_conflict ?? false,
		cleaning_task_id: booking.cleaning_task_id ?? null,
		last_sync_at: instant(booking.last_sync_at),
		created_at: instant(booking.created_at),
		updated_at: instant(booking.updated_at),
		cancelled_at: instant(booking.cancelled_at),
		ses_status: secret(booking.ses_status ?? null),
		ses_lote: secret(booking.ses_lote ?? null),
		ses_submitted_at: secret(instant(booking.ses_submitted_at)),
		ses_last_attempt_at: secret(instant(booking.ses_last_attempt_at)),
		ses_last_error: secret(booking.ses_last_error ?? null),
		// TODO: the SES communications and the booking's non-revoked access codes, once the
		// SES and locks services exist (they own that data); a booking has none until then.
		ses_communications: detail ? secret([]) : null,
		access_codes: detail ? secret([]) : null,
	};
}

export type BookingView = ReturnType<typeof bookingView>;

/** The `booking.created` data (§19): ids and non-personal attributes only. */
export function createdData(booking: BookingDoc) {
	return {
		booking_id: booking._id,
		type: booking.type,
		status: booking.status,
		channel: booking.channel,
		source: booking.source,
		from: booking.from,
		to: booking.to,
		guests_number: booking.adults_count + booking.children_count + booking.infants_count,
		has_conflict: booking.has_conflict ?? false,
	};
}

/** Fields whose values before a change a `booking.updated` event carries (§19). */
const PREVIOUS_FIELDS = [
	"from",
	"to",
	"status",
	"checkin_time",
	"checkout_time",
	"adults_count",
	"children_count",
	"infants_count",
] as const;

/** The `previous` of a booking.updated event (§19). */
export const previousOf = (booking: BookingDoc) =>
	Object.fromEntries(PREVIOUS_FIELDS.map((f) => [f, booking[f] ?? null]));

/** Lower-case, accent-free form used by the `query` filter on both sides. */
export const searchable = (text: string) =>
	text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** The two search fields of a booking (see models.ts). */
export function searchFields(b: Partial<BookingDoc>) {
	const crew = [b.channel_id, b.notes].filter(Boolean).join("\n");
	const guest = [b.guest_first_name, b.guest_last_name, b.guest_email, b.guest_phone];
	return {
		search_crew: searchable(crew),
		search_all: searchable([crew, ...guest.filter(Boolean)].join("\n")),
	};
}
