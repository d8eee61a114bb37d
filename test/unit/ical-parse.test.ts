/** Parsing and classifying channel feeds (§11.11) with the shapes Airbnb and Booking.com send. */
import { FeedFetchError } from "../../services/bookings/ical/fetch";
import { parseFeed } from "../../services/bookings/ical/parse";
import { airbnbBlocked, airbnbFeed, airbnbReserved, bookingFeed } from "../fakes/ical-server";

const TZ = "Europe/Madrid";

it("reads Airbnb reservations with their HM code, and blocks", () => {
	const body = airbnbFeed([
		airbnbReserved("1418fb94e984-a@airbnb.com", "2030-07-01", "2030-07-05", "HMABC12345"),
		airbnbBlocked("1418fb94e984-b@airbnb.com", "2030-07-10", "2030-07-12"),
	]);
	expect(parseFeed(body, "airbnb", TZ, "2030-01-01")).toEqual([
		{
			uid: "1418fb94e984-a@airbnb.com",
			type: "reservation",
			from: "2030-07-01",
			to: "2030-07-05",
			channel_id: "HMABC12345",
		},
		{
			uid: "1418fb94e984-b@airbnb.com",
			type: "block",
			from: "2030-07-10",
			to: "2030-07-12",
			channel_id: "1418fb94e984-b@airbnb.com",
		},
	]);
});

it("treats every Booking.com event as a reservation keyed by its UID", () => {
	const body = bookingFeed([{ uid: "f1c2e3@booking.com", from: "2030-08-01", to: "2030-08-03" }]);
	expect(parseFeed(body, "booking", TZ, "2030-01-01")).toEqual([
		{
			uid: "f1c2e3@booking.com",
			type: "reservation",
			from: "2030-08-01",
			to: "2030-08-03",
			channel_id: "f1c2e3@booking.com",
		},
	]);
});

it("drops events that ended before the cut-off", () => {
	const body = airbnbFeed([
		airbnbReserved("old@airbnb.com", "2029-12-01", "2029-12-05", "HMOLD"),
		airbnbReserved("new@airbnb.com", "2029-12-30", "2030-01-02", "HMNEW"),
	]);
	expect(parseFeed(body, "airbnb", TZ, "2030-01-01").map((e) => e.uid)).toEqual([
		"new@airbnb.com",
	]);
});

it("reads a date-time event on the property's local calendar", () => {
	const body = [
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"BEGIN:VEVENT",
		"UID:dt@example.com",
		"DTSTART:20300630T230000Z",
		"DTEND:20300702T100000Z",
		"SUMMARY:Reserved",
		"END:VEVENT",
		"END:VCALENDAR",
		"",
	].join("\r\n");
	const [event] = parseFeed(body, "airbnb", TZ, "2030-01-01");
	expect([event.from, event.to]).toEqual(["2030-07-01", "2030-07-02"]);
});

it("accepts an empty calendar", () => {
	expect(parseFeed(airbnbFeed([]), "airbnb", TZ, "2030-01-01")).toEqual([]);
});

it.each(["<html><body>Sign in</body></html>", "", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT"])(
	"refuses a body that is not a calendar: %j",
	(body) => {
		expect(() => parseFeed(body, "airbnb", TZ, "2030-01-01")).toThrow(FeedFetchError);
		try {
			parseFeed(body, "airbnb", TZ, "2030-01-01");
		} catch (err) {
			expect((err as FeedFetchError).kind).toBe("not_a_calendar");
		}
	},
);
