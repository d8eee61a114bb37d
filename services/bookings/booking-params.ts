/**
 * Parameter rules of the booking body (§5.3) and list queries (§5.2). Patterns are strings,
 * never RegExp objects: action definitions travel through the service registry as JSON.
 */
import { optionalText, pagination } from "../../shared/params";
import { DATE_PATTERN } from "../../shared/local-dates";

export const TYPES = ["reservation", "block"] as const;
export const STATUSES = ["pending", "confirmed", "cancelled"] as const;
export const CHANNELS = ["airbnb", "booking", "vrbo", "direct", "other"] as const;
export const PAYMENT_TYPES = [
	"at_destination",
	"cash",
	"card",
	"platform",
	"transfer",
	"mobile",
	"gift_card",
	"other",
] as const;

const HH_MM = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

const date = {
	type: "string",
	trim: true,
	pattern: DATE_PATTERN,
	messages: { stringPattern: "Use YYYY-MM-DD." },
} as const;
const clock = {
	type: "string",
	trim: true,
	optional: true,
	nullable: true,
	pattern: `^$|${HH_MM}`,
	messages: { stringPattern: "Use HH:mm, 00:00 to 23:59." },
} as const;
const count = (min: number, max: number) =>
	({ type: "number", integer: true, min, max, optional: true }) as const;
const nullableEnum = (values: readonly string[]) =>
	({ type: "enum", values, optional: true, nullable: true }) as const;

/** Fields both create and PATCH accept; every one optional here. */
const shared = {
	channel: { type: "enum", values: CHANNELS, optional: true },
	channel_id: optionalText(100),
	payment_type: nullableEnum(PAYMENT_TYPES),
	notes: optionalText(5000),
	guest_first_name: optionalText(100),
	guest_last_name: optionalText(100),
	guest_email: {
		...optionalText(254),
		pattern: "^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
		messages: { stringPattern: "Use a valid email address." },
	},
	guest_phone: {
		...optionalText(30),
		pattern: "^$|^\\+?[0-9 ]+$",
		messages: { stringPattern: "Digits and spaces, with an optional leading +." },
	},
	adults_count: count(0, 30),
	children_count: count(0, 30),
	infants_count: count(0, 10),
	special_requests: optionalText(2000),
	arrival_time: clock,
	departure_time: clock,
	checkin_time: clock,
	checkout_time: clock,
} as const;

export const createBookingParams = {
	id: { type: "uuid" },
	...shared,
	type: { type: "enum", values: TYPES, optional: true },
	from: date,
	to: date,
	status: { type: "enum", values: ["pending", "confirmed"], optional: true },
} as const;

export const patchBookingParams = {
	id: { type: "uuid" },
	...shared,
	// Validated by the handler: changing it is 422 FIELD_NOT_MODIFIABLE, not a type error.
	type: { type: "any", optional: true },
	from: { ...date, optional: true },
	to: { ...date, optional: true },
	status: { type: "enum", values: STATUSES, optional: true },
} as const;

/** Filters of the booking lists (§5.2, §5.4). */
export const listParams = {
	...pagination(),
	from: { ...date, optional: true },
	to: { ...date, optional: true },
	channel: { type: "enum", values: CHANNELS, optional: true },
	query: { type: "string", trim: true, min: 1, max: 100, optional: true },
	sortBy: { type: "enum", values: ["CHECKIN", "CHECKOUT"], optional: true, default: "CHECKIN" },
	sortDescending: { type: "boolean", convert: true, optional: true, default: false },
	status: {
		type: "string",
		optional: true,
		pattern: "^(pending|confirmed|cancelled)(,(pending|confirmed|cancelled))*$",
		messages: { stringPattern: "Comma-separated values of pending, confirmed, cancelled." },
	},
	type: { type: "enum", values: ["reservation", "block", "all"], optional: true },
} as const;

export interface BookingBody {
	type?: unknown;
	from?: string;
	to?: string;
	channel?: string;
	channel_id?: string | null;
	status?: string;
	payment_type?: string | null;
	notes?: string | null;
	guest_first_name?: string | null;
	guest_last_name?: string | null;
	guest_email?: string | null;
	guest_phone?: string | null;
	adults_count?: number;
	children_count?: number;
	infants_count?: number;
	special_requests?: string | null;
	arrival_time?: string | null;
	departure_time?: string | null;
	checkin_time?: string | null;
	checkout_time?: string | null;
}

export interface ListQuery {
	page: number;
	size: number;
	from?: string;
	to?: string;
	channel?: string;
	query?: string;
	sortBy: "CHECKIN" | "CHECKOUT";
	sortDescending: boolean;
	status?: string;
	type?: "reservation" | "block" | "all";
	propertyId?: string;
}
