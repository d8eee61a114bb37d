/**
 * Turns a validated property body into the stored fields, applying defaults (§11.0) and the
 * rules that span fields or need the geo data. Every problem found is reported at once.
 */
import type { Context } from "moleculer";
import { ApiError, validationFailed, type ErrorDetail } from "../../shared/errors";
import { emptyToNull } from "../../shared/params";
import { resolveGeo, type GeoFields } from "./geo";
import { allowPrivateOutbound } from "./env";
import { icalUrlProblem } from "./ical-url";
import type { PropertyDoc } from "./models";
import { NOT_PATCHABLE, type PropertyBody } from "./property-params";

export interface PropertyFields extends GeoFields {
	name: string;
	address: string;
	city: string;
	zip_code: string;
	timezone: string;
	checkin_time: string;
	checkout_time: string;
	airbnb_ical_url: string | null;
	booking_ical_url: string | null;
	default_cleaner_id: string | null;
	ses_establishment_code: string | null;
	ses_establishment_type: string | null;
	has_internet: boolean | null;
	rooms_count: number | null;
	access_code_buffer_before_minutes: number;
	access_code_buffer_after_minutes: number;
}

/** The fields of the API an update can change, in the order `changed_fields` lists them. */
export const API_FIELDS = [
	"name",
	"address",
	"city",
	"zip_code",
	"country_code",
	"province_id",
	"city_id",
	"timezone",
	"checkin_time",
	"checkout_time",
	"airbnb_ical_url",
	"booking_ical_url",
	"default_cleaner_id",
	"ses_establishment_code",
	"ses_establishment_type",
	"has_internet",
	"rooms_count",
	"access_code_buffer_before_minutes",
	"access_code_buffer_after_minutes",
] as const;

const DEFAULTS = {
	checkin_time: "15:00",
	checkout_time: "11:00",
	access_code_buffer_before_minutes: 0,
	access_code_buffer_after_minutes: 0,
} as const;

/** The Canary Islands (provinces 35 and 38) are an hour behind the rest of Spain. */
export const defaultTimezone = (provinceCode: string | null) =>
	provinceCode === "35" || provinceCode === "38" ? "Atlantic/Canary" : "Europe/Madrid";

function isTimeZone(name: string): boolean {
	try {
		new Intl.DateTimeFormat("en-US", { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

const lower = (value: string | null | undefined) => emptyToNull(value)?.toLowerCase() ?? null;

/** Rules between fields: time zone, Spanish zip codes, feed URLs. */
function ruleErrors(fields: PropertyFields): ErrorDetail[] {
	const errors: ErrorDetail[] = [];
	if (!isTimeZone(fields.timezone)) {
		errors.push({ field: "timezone", message: "Unknown IANA time zone." });
	}
	if (fields.country_code === "ES") {
		if (!/^\d{5}$/.test(fields.zip_code)) {
			errors.push({ field: "zip_code", message: "A Spanish zip code has 5 digits." });
		} else if (fields.province_code && !fields.zip_code.startsWith(fields.province_code)) {
			errors.push({
				field: "zip_code",
				message: "The first two digits must be the province's code.",
			});
		}
	}
	for (const field of ["airbnb_ical_url", "booking_ical_url"] as const) {
		const url = fields[field];
		const problem = url ? icalUrlProblem(url, allowPrivateOutbound()) : null;
		if (problem) errors.push({ field, message: problem });
	}
	return errors;
}

/** POST and PUT: every field from the body, omitted ones back to their default or null. */
export async function fullFields(ctx: Context, body: PropertyBody): Promise<PropertyFields> {
	const geo = await resolveGeo(ctx, {
		// Omitted means Spain (§11.0); an explicit null or "" means no country.
		country_code:
			body.country_code === undefined
				? "ES"
				: (lower(body.country_code)?.toUpperCase() ?? null),
		province_id: lower(body.province_id),
		city_id: lower(body.city_id),
	});
	const fields: PropertyFields = {
		...geo.fields,
		name: body.name as string,
		address: body.address as string,
		city: body.city as string,
		zip_code: body.zip_code as string,
		timezone: emptyToNull(body.timezone) ?? defaultTimezone(geo.fields.province_code),
		checkin_time: body.checkin_time ?? DEFAULTS.checkin_time,
		checkout_time: body.checkout_time ?? DEFAULTS.checkout_time,
		airbnb_ical_url: emptyToNull(body.airbnb_ical_url),
		booking_ical_url: emptyToNull(body.booking_ical_url),
		default_cleaner_id: lower(body.default_cleaner_id),
		ses_establishment_code: emptyToNull(body.ses_establishment_code),
		ses_establishment_type: emptyToNull(body.ses_establishment_type),
		has_internet: body.has_internet ?? null,
		rooms_count: body.rooms_count ?? null,
		access_code_buffer_before_minutes:
			body.access_code_buffer_before_minutes ?? DEFAULTS.access_code_buffer_before_minutes,
		access_code_buffer_after_minutes:
			body.access_code_buffer_after_minutes ?? DEFAULTS.access_code_buffer_after_minutes,
	};
	const errors = [...geo.errors, ...ruleErrors(fields)];
	if (errors.length > 0) throw validationFailed(errors);
	return fields;
}

/** The stored fields of a property, as PropertyFields. */
export function storedFields(property: PropertyDoc): PropertyFields {
	const pick = Object.fromEntries(
		[...API_FIELDS, "country_id", "country_name", "province_code"].map((field) => [
			field,
			(property as unknown as Record<string, unknown>)[field] ?? null,
		]),
	);
	return pick as unknown as PropertyFields;
}

const REQUIRED_TEXT = ["name", "address", "city", "zip_code"] as const;

/**
 * PATCH (JSON Merge Patch): only the fields sent change; null clears a nullable field and
 * puts a defaulted one (time zone, times, buffers) back to its default.
 */
export function patchedFields(property: PropertyDoc, body: PropertyBody): PropertyFields {
	const sent = (field: string) => (body as Record<string, unknown>)[field] !== undefined;
	const locked = NOT_PATCHABLE.filter(sent);
	if (locked.length > 0) {
		throw new ApiError(
			422,
			"FIELD_NOT_MODIFIABLE",
			"Some fields can only be changed with PUT.",
			locked.map((field) => ({ field, message: "Not modifiable with PATCH; use PUT." })),
		);
	}
	const missing = REQUIRED_TEXT.filter((field) => body[field] === null);
	if (missing.length > 0) {
		throw validationFailed(missing.map((field) => ({ field, message: "Cannot be null." })));
	}

	const next = storedFields(property);
	const merged = { ...next } as unknown as Record<string, unknown>;
	for (const [field, value] of Object.entries(body)) {
		if (value !== undefined && (API_FIELDS as readonly string[]).includes(field)) {
			merged[field] = typeof value === "string" ? emptyToNull(value) : value;
		}
	}
	const fields = merged as unknown as PropertyFields;
	fields.timezone ??= defaultTimezone(fields.province_code);
	fields.checkin_time ??= DEFAULTS.checkin_time;
	fields.checkout_time ??= DEFAULTS.checkout_time;
	fields.access_code_buffer_before_minutes ??= DEFAULTS.access_code_buffer_before_minutes;
	fields.access_code_buffer_after_minutes ??= DEFAULTS.access_code_buffer_after_minutes;
	fields.default_cleaner_id = fields.default_cleaner_id?.toLowerCase() ?? null;

	const errors = ruleErrors(fields);
	if (errors.length > 0) throw validationFailed(errors);
	return fields;
}

/** API fields whose value differs between two versions of a property. */
export function changedFields(before: PropertyFields, after: PropertyFields): string[] {
	return API_FIELDS.filter((field) => (before[field] ?? null) !== (after[field] ?? null));
}
