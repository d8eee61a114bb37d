/**
 * The iCal export feed (§11.10, X9): a property's non-cancelled reservations and blocks from
 * 30 days ago to 18 months ahead as all-day events, with no guest data of any kind. The
 * properties service owns the feed token; this service only asks whose it is.
 */
import ical from "ical-generator";
import type { RequestContext } from "../../shared/context";
import { notFound } from "../../shared/errors";
import { sha256Hex } from "../../shared/ids";
import { calendarFilter } from "./calendar-events";
import { addMonths } from "./calendar-window";
import { addDays, localToday } from "../../shared/local-dates";
import type { BookingDoc } from "./models";
import type { BookingsService } from "./service-types";

/** What `properties.byExportToken` answers for a live feed token. */
interface FeedOwner {
	property_id: string;
	timezone: string;
	created_at: string | null;
}

const CONTENT_TYPE = "text/calendar; charset=utf-8";

/** `If-None-Match` holds `*` or a list of entity tags, compared weakly (RFC 9110 §13.1.2). */
function matches(ifNoneMatch: unknown, etag: string): boolean {
	if (typeof ifNoneMatch !== "string") return false;
	return ifNoneMatch
		.split(",")
		.map((tag) => tag.trim().replace(/^W\//, ""))
		.some((tag) => tag === "*" || tag === etag);
}

const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

export function renderFeed(bookings: BookingDoc[]): string {
	const calendar = ical({ prodId: { company: "Kasify", product: "Export feed" } });
	for (const booking of bookings) {
		calendar.createEvent({
			id: `${booking._id}@kasify`,
			start: asDate(booking.from),
			end: asDate(booking.to),
			allDay: true,
			summary: booking.type === "reservation" ? "Reserved" : "Not available",
			stamp: booking.updated_at,
		});
	}
	// RFC 5545 §3.1 ends every content line with CRLF, END:VCALENDAR included; the library
	// leaves the last one off, which a strict parser may refuse.
	return `${calendar.toString()}\r\n`;
}

export async function icalFeed(this: BookingsService, ctx: RequestContext<{ token: string }>) {
	const owner = await ctx.call<FeedOwner | null, { token: string }>("properties.byExportToken", {
		token: ctx.params.token,
	});
	if (!owner) throw notFound("feed");

	const today = localToday(owner.timezone);
	const filter = calendarFilter([owner.property_id], addDays(today, -30), addMonths(today, 18));
	const bookings = await this.models.Booking.find(filter)
		.select("_id type from to updated_at")
		.sort({ from: 1, _id: 1 })
		.lean<BookingDoc[]>();
	const body = renderFeed(bookings);

	const etag = `"${sha256Hex(body).slice(0, 32)}"`;
	const changes = bookings.map((b) => b.updated_at.getTime());
	if (owner.created_at) changes.push(Date.parse(owner.created_at));
	const headers = {
		ETag: etag,
		"Last-Modified": new Date(Math.max(0, ...changes)).toUTCString(),
		"Cache-Control": "no-cache",
	};
	ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, ...headers };
	if (matches(ctx.meta.ifNoneMatch, etag)) {
		ctx.meta.$statusCode = 304;
		return null;
	}
	ctx.meta.$responseType = CONTENT_TYPE;
	return body;
}
