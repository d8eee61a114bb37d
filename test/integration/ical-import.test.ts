/**
 * iCal import (§11.11) end to end: properties announce their feed URLs, the bookings service
 * fetches them from a local fake of Airbnb and Booking.com, and the bookings, the feed status
 * in PropertyDetail.calendars and the events (§19) follow the feeds.
 */
import { airbnbBlocked, airbnbFeed, airbnbReserved, bookingFeed } from "../fakes/ical-server";
import { eventRecorder } from "../helpers/event-recorder";
import { eventually } from "../helpers/stack";
import { createProperty, type Http, type TestUser } from "./properties-fixtures";
import { startIcalWorld, type FeedSource, type IcalWorld } from "./ical-fixtures";

const TYPES = ["booking.created", "booking.updated", "booking.cancelled", "ical.synced"];
const { service: listener, received } = eventRecorder("icallistener", TYPES);

let world: IcalWorld;
let http: Http;
let owner: TestUser;
let feeds: IcalWorld["feeds"];

beforeAll(async () => {
	world = await startIcalWorld("icalimport", [listener]);
	({ http, owner, feeds } = world);
});
afterAll(() => world?.stop());

const service = () => world.bookingsService();

const sync = (propertyId: string, source: FeedSource) => world.sync(propertyId, source);

const bookingsOf = (propertyId: string) => world.bookingsOf(propertyId);

const calendarsOf = async (propertyId: string) =>
	(await http.get(`/v1/properties/${propertyId}`, { token: owner.token })).body.calendars;

/** A property whose feeds are served at fresh paths of the fake server. */
async function propertyWithFeeds(airbnb: string | null, booking: string | null) {
	const name = `p${Math.random().toString(36).slice(2, 8)}`;
	const paths = { airbnb: `/${name}/airbnb.ics`, booking: `/${name}/booking.ics` };
	if (airbnb !== null) feeds.set(paths.airbnb, { kind: "calendar", body: airbnb });
	if (booking !== null) feeds.set(paths.booking, { kind: "calendar", body: booking });
	const property = await createProperty(http, owner, {
		airbnb_ical_url: airbnb === null ? null : feeds.url(paths.airbnb),
		booking_ical_url: booking === null ? null : feeds.url(paths.booking),
	});
	return { id: property.id as string, paths };
}

it("imports an Airbnb feed, follows its changes and cancels what vanishes", async () => {
	const reserved = airbnbReserved("r1@airbnb.com", "2031-03-01", "2031-03-05", "HMAAAA1111");
	const blocked = airbnbBlocked("b1@airbnb.com", "2031-03-10", "2031-03-12");
	const { id, paths } = await propertyWithFeeds(airbnbFeed([reserved, blocked]), null);

	// The first sync follows property.created on its own.
	const [status] = await eventually(async () => {
		const calendars = await calendarsOf(id);
		return calendars?.[0]?.status === "ok" ? calendars : undefined;
	}, 20_000);
	expect(status).toMatchObject({ source: "airbnb", events_count: 2, consecutive_failures: 0 });
	let stored = await bookingsOf(id);
	expect(
		stored.map((b) => [b.type, b.from, b.to, b.channel, b.channel_id, b.source]).sort(),
	).toEqual([
		["block", "2031-03-10", "2031-03-12", "airbnb", "b1@airbnb.com", "ical"],
		["reservation", "2031-03-01", "2031-03-05", "airbnb", "HMAAAA1111", "ical"],
	]);
	const reservation = stored.find((b) => b.type === "reservation");
	const [created] = await eventually(async () => {
		const found = received.filter(
			(e) => e.type === "booking.created" && e.data.booking_id === reservation._id,
		);
		return found.length ? found : undefined;
	});
	expect(created.data).toMatchObject({ source: "ical", channel: "airbnb", has_conflict: false });

	// Dates move; the block disappears and is cancelled after one fetch; no duplicates.
	const moved = { ...reserved, from: "2031-03-02", to: "2031-03-06" };
	feeds.set(paths.airbnb, { kind: "calendar", body: airbnbFeed([moved]) });
	expect(await sync(id, "airbnb")).toMatchObject({ status: "ok", updated: 1, cancelled: 1 });
	stored = await bookingsOf(id);
	expect(stored).toHaveLength(2);
	expect(stored.find((b) => b._id === reservation._id)).toMatchObject({
		from: "2031-03-02",
		to: "2031-03-06",
		status: "confirmed",
	});
	expect(stored.find((b) => b.type === "block").status).toBe("cancelled");

	// A vanished reservation survives two fetches without it and is cancelled on the third.
	feeds.set(paths.airbnb, { kind: "calendar", body: airbnbFeed([blocked]) });
	await sync(id, "airbnb");
	await sync(id, "airbnb");
	expect((await service().models.Booking.findById(reservation._id).lean()).status).toBe(
		"confirmed",
	);
	expect(await sync(id, "airbnb")).toMatchObject({ cancelled: 1 });
	await eventually(async () =>
		received.find(
			(e) =>
				e.type === "booking.cancelled" &&
				e.data.booking_id === reservation._id &&
				e.data.reason === "ical_removed",
		),
	);
	const synced = received.filter((e) => e.type === "ical.synced" && e.property_id === id);
	expect(synced.length).toBeGreaterThan(0);
	expect(JSON.stringify(synced)).not.toContain(paths.airbnb);
});

it("keeps the last good state when a fetch fails, and reports the failure", async () => {
	const stay = { uid: "1a2b3c@booking.com", from: "2031-04-01", to: "2031-04-04" };
	const { id, paths } = await propertyWithFeeds(null, bookingFeed([stay]));
	await sync(id, "booking");
	expect((await bookingsOf(id)).map((b) => [b.type, b.status])).toEqual([
		["reservation", "confirmed"],
	]);

	const failures: [object, string][] = [
		[{ kind: "status", status: 500 }, "http_status"],
		[{ kind: "raw", body: "<html>Sign in</html>" }, "not_a_calendar"],
		[{ kind: "calendar", body: bookingFeed([]) }, "empty_feed"],
	];
	for (const [n, [reply, error]] of failures.entries()) {
		feeds.set(paths.booking, reply as never);
		expect(await sync(id, "booking")).toMatchObject({ status: "error", error });
		const [status] = await calendarsOf(id);
		expect(status).toMatchObject({ status: "error", last_error: error });
		expect(status.consecutive_failures).toBe(n + 1);
		expect((await bookingsOf(id))[0].status).toBe("confirmed");
	}
	await eventually(async () =>
		received.find(
			(e) => e.type === "ical.synced" && e.property_id === id && e.data.status === "error",
		),
	);

	feeds.set(paths.booking, { kind: "calendar", body: bookingFeed([stay]) });
	expect(await sync(id, "booking")).toMatchObject({ status: "ok" });
	expect((await calendarsOf(id))[0]).toMatchObject({ status: "ok", consecutive_failures: 0 });
});

it("records an overlap with a direct booking as a conflict without taking its nights", async () => {
	const { id, paths } = await propertyWithFeeds(null, bookingFeed([]));
	const direct = await http.post(`/v1/properties/${id}/bookings`, {
		token: owner.token,
		body: { from: "2031-05-01", to: "2031-05-05" },
	});
	expect(direct.status).toBe(201);
	const stay = { uid: "overlap@booking.com", from: "2031-05-03", to: "2031-05-07" };
	feeds.set(paths.booking, { kind: "calendar", body: bookingFeed([stay]) });
	expect(await sync(id, "booking")).toMatchObject({ status: "ok", created: 1 });

	const stored = await bookingsOf(id);
	const imported = stored.find((b) => b.source === "ical");
	expect(imported).toMatchObject({ status: "confirmed", has_conflict: true });
	expect(stored.find((b) => b._id === direct.body.id).has_conflict).toBe(true);
	// The direct booking still holds its nights: a manual overlap is still refused.
	const again = await http.post(`/v1/properties/${id}/bookings`, {
		token: owner.token,
		body: { from: "2031-05-02", to: "2031-05-03" },
	});
	expect(again.status).toBe(409);

	// Once the direct booking is cancelled, the next sync takes the nights and clears the flag.
	await http.patch(`/v1/bookings/${direct.body.id}`, {
		token: owner.token,
		body: { status: "cancelled" },
	});
	await sync(id, "booking");
	expect((await service().models.Booking.findById(imported._id).lean()).has_conflict).toBe(false);
	expect(await sync(id, "booking")).toMatchObject({ created: 0, updated: 0 });
	expect(await bookingsOf(id)).toHaveLength(2);
});

it("stores a Booking.com echo of an Airbnb reservation as a block", async () => {
	const stay = airbnbReserved("echo@airbnb.com", "2031-07-01", "2031-07-04", "HMECHO1");
	const echo = { uid: "echo@booking.com", from: "2031-07-01", to: "2031-07-04" };
	const { id } = await propertyWithFeeds(airbnbFeed([stay]), bookingFeed([echo]));
	// Whichever first fetch ran first (both follow property.created), this settles it.
	await sync(id, "airbnb");
	await sync(id, "booking");
	await sync(id, "airbnb");

	const stored = await bookingsOf(id);
	const active = stored.filter((b) => b.status === "confirmed");
	expect(active.map((b) => [b.channel, b.type, b.has_conflict]).sort()).toEqual([
		["airbnb", "reservation", false],
		["booking", "block", false],
	]);
});

it("turns an Airbnb block into a reservation in place when the feed says Reserved", async () => {
	const blocked = airbnbBlocked("turn@airbnb.com", "2031-08-01", "2031-08-03");
	const { id, paths } = await propertyWithFeeds(airbnbFeed([blocked]), null);
	await sync(id, "airbnb");
	const [block] = await bookingsOf(id);
	expect(block).toMatchObject({ type: "block", status: "confirmed" });
	expect(block.checkin_code).toBeUndefined();

	const reserved = airbnbReserved("turn@airbnb.com", "2031-08-01", "2031-08-03", "HMTURN1");
	feeds.set(paths.airbnb, { kind: "calendar", body: airbnbFeed([reserved]) });
	expect(await sync(id, "airbnb")).toMatchObject({ updated: 1 });
	const [turned] = await bookingsOf(id);
	expect(turned).toMatchObject({ _id: block._id, type: "reservation", channel_id: "HMTURN1" });
	expect(turned.checkin_code).toMatch(/^[0-9A-Z]+$/);
});
