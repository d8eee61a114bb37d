/**
 * Parameter rules of the property body (§11.0). Patterns are strings, never RegExp objects:
 * action definitions travel through the service registry as JSON.
 */
import { optionalText, requiredText } from "../../shared/params";
import { MAX_ICAL_URL_LENGTH } from "./ical-url";

export const HH_MM = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
const TIME_ZONE = "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$";

const clock = {
	type: "string",
	trim: true,
	optional: true,
	nullable: true,
	pattern: HH_MM,
	messages: { stringPattern: "Use HH:mm, 00:00 to 23:59." },
} as const;

const buffer = {
	type: "number",
	integer: true,
	min: 0,
	max: 1440,
	optional: true,
	nullable: true,
} as const;

const nullableUuid = { type: "uuid", optional: true, nullable: true } as const;

/** Fields a PATCH may change. */
const patchable = {
	name: requiredText(100),
	address: requiredText(200),
	city: requiredText(100),
	zip_code: requiredText(10),
	timezone: {
		type: "string",
		trim: true,
		max: 64,
		optional: true,
		nullable: true,
		pattern: TIME_ZONE,
		messages: { stringPattern: "Use an IANA time zone name, such as Europe/Madrid." },
	},
	checkin_time: clock,
	checkout_time: clock,
	default_cleaner_id: nullableUuid,
	ses_establishment_code: optionalText(20),
	ses_establishment_type: optionalText(50),
	has_internet: { type: "boolean", optional: true, nullable: true },
	rooms_count: {
		type: "number",
		integer: true,
		min: 1,
		max: 100,
		optional: true,
		nullable: true,
	},
	access_code_buffer_before_minutes: buffer,
	access_code_buffer_after_minutes: buffer,
} as const;

/** Fields only a full update (or the creation) may set (§11.5). */
export const NOT_PATCHABLE = [
	"country_code",
	"province_id",
	"city_id",
	"airbnb_ical_url",
	"booking_ical_url",
] as const;

/** POST and PUT bodies: every field of §11.0. */
export const fullPropertyParams = {
	...patchable,
	country_code: {
		type: "string",
		trim: true,
		optional: true,
		nullable: true,
		pattern: "^([A-Za-z]{2,3})?$",
		messages: { stringPattern: "Use an ISO 3166-1 alpha-2 or alpha-3 code." },
	},
	province_id: nullableUuid,
	city_id: nullableUuid,
	airbnb_ical_url: optionalText(MAX_ICAL_URL_LENGTH),
	booking_ical_url: optionalText(MAX_ICAL_URL_LENGTH),
} as const;

/** PATCH bodies (JSON Merge Patch): the patchable fields, every one optional. */
export const patchPropertyParams = Object.fromEntries(
	Object.entries(patchable).map(([field, rule]) => [field, { ...rule, optional: true }]),
);

export interface PropertyBody {
	name?: string | null;
	address?: string | null;
	city?: string | null;
	zip_code?: string | null;
	country_code?: string | null;
	province_id?: string | null;
	city_id?: string | null;
	timezone?: string | null;
	checkin_time?: string | null;
	checkout_time?: string | null;
	airbnb_ical_url?: string | null;
	booking_ical_url?: string | null;
	default_cleaner_id?: string | null;
	ses_establishment_code?: string | null;
	ses_establishment_type?: string | null;
	has_internet?: boolean | null;
	rooms_count?: number | null;
	access_code_buffer_before_minutes?: number | null;
	access_code_buffer_after_minutes?: number | null;
}
