/** Response schemas the bookings service contributes to the OpenAPI document (§17.5). */
import { CHANNELS, PAYMENT_TYPES, STATUSES, TYPES } from "./booking-params";

const nullable = (schema: object) => ({ ...schema, nullable: true });
const string = { type: "string" };
const integer = { type: "integer" };
const instant = { type: "string", format: "date-time" };
const date = { type: "string", format: "date" };
const time = { type: "string", pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$" };
const uuid = { type: "string", format: "uuid" };
const anyArray = nullable({ type: "array", items: { type: "object" } });
const S = "Null for staff (the redacted booking).";
const redacted = (schema: object) => nullable({ ...schema, description: S });

const bookingFields = {
	id: uuid,
	property_id: uuid,
	type: { type: "string", enum: TYPES },
	from: date,
	to: date,
	channel: { type: "string", enum: CHANNELS },
	channel_id: nullable(string),
	source: { type: "string", enum: ["manual", "ical"] },
	status: { type: "string", enum: STATUSES },
	guest_first_name: redacted(string),
	guest_last_name: redacted(string),
	guest_email: redacted(string),
	guest_phone: redacted(string),
	checkin_code: redacted({ ...string, description: "Null for blocks." }),
	payment_type: redacted({ type: "string", enum: PAYMENT_TYPES }),
	adults_count: integer,
	children_count: integer,
	infants_count: integer,
	guests_number: integer,
	guests_registered: integer,
	notes: nullable(string),
	special_requests: nullable(string),
	arrival_time: nullable(time),
	departure_time: nullable(time),
	checkin_time: nullable(time),
	checkout_time: nullable(time),
	checkin_completed_at: nullable(instant),
	has_conflict: { type: "boolean" },
	cleaning_task_id: nullable(uuid),
	last_sync_at: nullable(instant),
	created_at: instant,
	updated_at: instant,
	cancelled_at: nullable(instant),
	ses_status: redacted(string),
	ses_lote: redacted(string),
	ses_submitted_at: redacted(instant),
	ses_last_attempt_at: redacted(instant),
	ses_last_error: redacted(string),
	ses_communications: { ...anyArray, description: "On GET by id only. " + S },
	access_codes: { ...anyArray, description: "On GET by id only. " + S },
};

export const bookingComponents = {
	Booking: {
		type: "object",
		required: Object.keys(bookingFields),
		properties: bookingFields,
	},
};
