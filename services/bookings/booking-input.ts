/**
 * Turning a create or PATCH body into stored fields (§5.3, §5.6): trimmed strings with empty
 * ones as null, dates checked, and blocks stripped of guest data, counts and payment.
 */
import { validationFailed, type ErrorDetail } from "../../shared/errors";
import { emptyToNull } from "../../shared/params";
import type { BookingBody } from "./booking-params";
import { isValidDate, nightsCount } from "../../shared/local-dates";
import type { BookingDoc } from "./models";

const MAX_NIGHTS = 365;

const TEXT_FIELDS = [
	"channel_id",
	"notes",
	"guest_first_name",
	"guest_last_name",
	"guest_email",
	"guest_phone",
	"special_requests",
	"arrival_time",
	"departure_time",
	"checkin_time",
	"checkout_time",
] as const;
const GUEST_FIELDS = ["guest_first_name", "guest_last_name", "guest_email", "guest_phone"];

export type BookingFields = Omit<
	BookingDoc,
	"_id" | "property_id" | "account_id" | "source" | "created_at" | "updated_at" | "outbox"
>;

/** Fields present in the body, normalised (an omitted field stays absent). */
export function bodyFields(body: BookingBody): Partial<BookingFields> {
	const fields: Record<string, unknown> = {};
	for (const field of TEXT_FIELDS) {
		if (body[field] !== undefined) fields[field] = emptyToNull(body[field]);
	}
	if (typeof fields.guest_email === "string")
		fields.guest_email = fields.guest_email.toLowerCase();
	for (const field of [
		"from",
		"to",
		"channel",
		"status",
		"payment_type",
		"adults_count",
		"children_count",
		"infants_count",
	] as const) {
		if (body[field] !== undefined) fields[field] = body[field];
	}
	return fields as Partial<BookingFields>;
}

/** The rules that span fields, checked on the booking as it would be stored. */
export function checkBooking(b: Pick<BookingDoc, "type" | "from" | "to" | "adults_count">) {
	const errors: ErrorDetail[] = [];
	for (const field of ["from", "to"] as const) {
		if (!isValidDate(b[field])) errors.push({ field, message: "Not a calendar date." });
	}
	if (errors.length === 0 && b.to <= b.from) {
		errors.push({ field: "to", message: "Must be after from." });
	} else if (errors.length === 0 && nightsCount(b.from, b.to) > MAX_NIGHTS) {
		errors.push({ field: "to", message: `At most ${MAX_NIGHTS} nights.` });
	}
	if (b.type === "reservation" && b.adults_count < 1) {
		errors.push({ field: "adults_count", message: "At least 1 for a reservation." });
	}
	if (errors.length > 0) throw validationFailed(errors);
}

/** Blocks carry no guest data, counts or payment (§5.3). */
export function stripBlock<T extends Partial<BookingFields>>(fields: T): T {
	const stripped: Record<string, unknown> = { ...fields };
	for (const field of GUEST_FIELDS) stripped[field] = null;
	stripped.payment_type = null;
	stripped.adults_count = 0;
	stripped.children_count = 0;
	stripped.infants_count = 0;
	return stripped as T;
}
