/**
 * Building blocks for action parameter rules (fastest-validator), shared by every service so
 * that the same kind of field is validated, and documented, the same way everywhere.
 */

import { DATE_PATTERN } from "./local-dates";

/** Zero-based page index and page size from the query string (§1.6). */
export function pagination(maxSize = 100) {
	return {
		page: { type: "number", integer: true, min: 0, convert: true, default: 0, optional: true },
		size: {
			type: "number",
			integer: true,
			min: 1,
			max: maxSize,
			convert: true,
			default: 20,
			optional: true,
		},
	} as const;
}

export const uuidParam = { type: "uuid" } as const;

/** An optional property-local date query parameter, `YYYY-MM-DD` (§1.3). */
export const optionalDateParam = {
	type: "string",
	trim: true,
	optional: true,
	pattern: DATE_PATTERN,
	messages: { stringPattern: "Use YYYY-MM-DD." },
} as const;

/** A required string, trimmed, between `min` and `max` characters. */
export const requiredText = (max: number, min = 1) =>
	({ type: "string", trim: true, min, max }) as const;

/**
 * An optional, nullable string. Trimmed; an empty string is accepted and stored as null
 * (§1.3), which is why there is no minimum length here.
 */
export const optionalText = (max: number) =>
	({ type: "string", trim: true, max, nullable: true, optional: true }) as const;

export const locale = { type: "enum", values: ["en", "es"] } as const;

/** A trimmed string, or null when it is empty or missing. */
export function emptyToNull(value: string | null | undefined): string | null {
	if (value === undefined || value === null) return null;
	const trimmed = value.trim();
	return trimmed === "" ? null : trimmed;
}

/** Escapes a user-supplied string for use inside a regular expression. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
