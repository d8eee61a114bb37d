/**
 * Turns an iCal feed body into the stays it lists (§11.11 "Parsing" and "Classification").
 * node-ical does the RFC 5545 work (folding, escaping, VALUE=DATE); this module only decides
 * what each VEVENT means for a property: its local dates, and reservation or block.
 */
import { sync, type CalendarResponse, type VEvent } from "node-ical";
import { FeedFetchError } from "./fetch";

export type FeedSource = "airbnb" | "booking";

export interface FeedEvent {
	uid: string;
	type: "reservation" | "block";
	/** Property-local `YYYY-MM-DD`; `to` is the exclusive DTEND, i.e. the check-out date. */
	from: string;
	to: string;
	/** The Airbnb `HM…` reservation code, else the UID (§11.11). */
	channel_id: string;
}

const AIRBNB_CODE = /\/reservations\/details\/([A-Z0-9]+)/i;
const AIRBNB_RESERVED = /^\s*reserved\s*$/i;

/** A date-only value is a calendar day as written; a date-time is read in the property zone. */
function localDay(value: Date & { dateOnly?: boolean }, timeZone: string): string {
	if (value.dateOnly) {
		// node-ical builds date-only values at local midnight of the process.
		const pad = (n: number) => String(n).padStart(2, "0");
		return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
	}
	return new Intl.DateTimeFormat("en-CA", { timeZone }).format(value);
}

const text = (value: unknown): string =>
	typeof value === "string"
		? value
		: typeof (value as { val?: unknown })?.val === "string"
			? (value as { val: string }).val
			: "";

function classify(source: FeedSource, summary: string, description: string) {
	if (source === "booking") return "reservation";
	return AIRBNB_RESERVED.test(summary) || AIRBNB_CODE.test(description) ? "reservation" : "block";
}

/**
 * Parses `body`, keeping events that end on or after `notBefore` (events that ended before
 * yesterday are ignored, §11.11). Throws FeedFetchError `not_a_calendar` when the body is
 * no VCALENDAR.
 */
export function parseFeed(
	body: string,
	source: FeedSource,
	timeZone: string,
	notBefore: string,
): FeedEvent[] {
	if (!/^\s*BEGIN:VCALENDAR/i.test(body) || !/END:VCALENDAR\s*$/i.test(body)) {
		throw notACalendar("The feed is not a VCALENDAR");
	}
	let parsed: CalendarResponse;
	try {
		parsed = sync.parseICS(body);
	} catch {
		throw notACalendar("The feed could not be parsed");
	}

	const byUid = new Map<string, FeedEvent>();
	for (const component of Object.values(parsed)) {
		const event = component as VEvent;
		if (event?.type !== "VEVENT") continue;
		if (!event.uid || !event.start) continue;
		const from = localDay(event.start, timeZone);
		// An all-day event without DTEND lasts one day (RFC 5545 §3.6.1).
		const to = event.end ? localDay(event.end, timeZone) : nextDay(from);
		if (to <= from || to < notBefore) continue;
		const summary = text(event.summary);
		const description = text(event.description);
		const code = source === "airbnb" ? AIRBNB_CODE.exec(description)?.[1] : undefined;
		byUid.set(event.uid, {
			uid: event.uid,
			type: classify(source, summary, description),
			from,
			to,
			channel_id: code ? code.toUpperCase() : event.uid,
		});
	}
	return [...byUid.values()];
}

function nextDay(day: string): string {
	const date = new Date(`${day}T00:00:00Z`);
	date.setUTCDate(date.getUTCDate() + 1);
	return date.toISOString().slice(0, 10);
}

const notACalendar = (message: string) => new FeedFetchError("not_a_calendar", message);
