/**
 * Property-local dates and clock times (§1.3): stay dates are `YYYY-MM-DD` strings, clock
 * times `HH:mm` in the property's IANA time zone, instants UTC.
 */
export const DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";

const DAY_MS = 86_400_000;

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** True for a real calendar date in `YYYY-MM-DD`. */
export function isValidDate(value: string): boolean {
	const ms = toUtc(value);
	return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

export const addDays = (date: string, days: number) =>
	new Date(toUtc(date) + days * DAY_MS).toISOString().slice(0, 10);

/** Nights from `from` (inclusive) to `to` (exclusive): the dates a guest sleeps there. */
export function nightsBetween(from: string, to: string): string[] {
	const nights: string[] = [];
	for (let night = from; night < to; night = addDays(night, 1)) nights.push(night);
	return nights;
}

export const nightsCount = (from: string, to: string) => (toUtc(to) - toUtc(from)) / DAY_MS;

function parts(instant: Date, timeZone: string) {
	const fields = new Intl.DateTimeFormat("en-CA", {
		timeZone,
		hourCycle: "h23",
		year: "numeric",
		month: "2-digit",
		day: "2-digit",
		hour: "2-digit",
		minute: "2-digit",
		second: "2-digit",
	}).formatToParts(instant);
	const get = (type: string) => fields.find((f) => f.type === type)?.value ?? "00";
	return {
		date: `${get("year")}-${get("month")}-${get("day")}`,
		time: `${get("hour")}:${get("minute")}:${get("second")}`,
	};
}

/** The local date of an instant in the time zone. */
export const localDate = (instant: Date, timeZone: string) => parts(instant, timeZone).date;

/** Today's date in the time zone. */
export const localToday = (timeZone: string, now = new Date()) => localDate(now, timeZone);

/** Milliseconds the zone is ahead of UTC at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
	const { date, time } = parts(new Date(instant), timeZone);
	return Date.parse(`${date}T${time}Z`) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a local date and time. A time in a spring-forward gap moves forward by the
 * gap; an ambiguous fall-back time resolves to the earlier instant (§1.3).
 */
export function localInstant(date: string, time: string, timeZone: string): Date {
	const wall = Date.parse(`${date}T${time}:00Z`);
	const before = offsetAt(wall - DAY_MS / 2, timeZone);
	const after = offsetAt(wall + DAY_MS / 2, timeZone);
	// Try the earlier offset first (the larger one), so an ambiguous time takes the earlier
	// instant; if the result does not read back as the same wall time, it fell in a gap.
	for (const offset of [Math.max(before, after), Math.min(before, after)]) {
		const candidate = wall - offset;
		if (offsetAt(candidate, timeZone) === offset) return new Date(candidate);
	}
	return new Date(wall - Math.min(before, after));
}
