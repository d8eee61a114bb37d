/**
 * The window of the calendar views (§6): `from` defaults to today, `to` to the same day of the
 * next month (clamped to that month's end); `to` ≥ `from` and at most 366 days inclusive.
 */
import { ApiError, invalidParameter } from "../../shared/errors";
import { isValidDate, nightsCount } from "../../shared/local-dates";
import { optionalDateParam } from "../../shared/params";

const MAX_DAYS = 366;

/** Query parameters shared by both calendar operations. */
export const windowParams = { from: optionalDateParam, to: optionalDateParam } as const;

export interface WindowQuery {
	from?: string;
	to?: string;
}

export interface CalendarWindow {
	from: string;
	to: string;
}

/** The same day `months` months later, clamped to the end of that month. */
export function addMonths(day: string, months: number): string {
	const [year, month, dayOfMonth] = day.split("-").map(Number);
	const target = new Date(Date.UTC(year, month - 1 + months, 1));
	const lastDay = new Date(
		Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
	).getUTCDate();
	target.setUTCDate(Math.min(dayOfMonth, lastDay));
	return target.toISOString().slice(0, 10);
}

const invalidRange = (message: string) =>
	new ApiError(400, "INVALID_DATE_RANGE", message, [{ field: "to", message }]);

export function resolveWindow(query: WindowQuery, today: string): CalendarWindow {
	for (const field of ["from", "to"] as const) {
		const value = query[field];
		if (value !== undefined && !isValidDate(value)) {
			throw invalidParameter(field, "Not a calendar date.");
		}
	}
	const from = query.from ?? today;
	const to = query.to ?? addMonths(from, 1);
	if (to < from) throw invalidRange("to must not be before from.");
	if (nightsCount(from, to) + 1 > MAX_DAYS) {
		throw invalidRange(`The window spans at most ${MAX_DAYS} days.`);
	}
	return { from, to };
}
