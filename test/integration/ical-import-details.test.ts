/**
 * iCal import details (§11.11): the conflict flag of an overlapped direct booking comes and
 * goes with booking.updated events; a UID the feed dropped and lists again restores its one
 * booking; a conditional GET answered 304 changes nothing but the bookings' last_sync_at, and
 * is not sent while a booking of the feed is flagged; a 429 pauses the feed for as long as
 * its host asks; a feed that hangs fails at the configured ICAL_FETCH_TIMEOUT_MS.
 */
import { MISSING_FETCHES_TO_CANCEL } from "../../services/bookings/ical/apply";
import {
	airbnbBlocked,
	airbnbFeed,
	airbnbReserved,
	bookingFeed,
	type Reply,
} from "../fakes/ical-server";
import { eventRecorder } from "../helpers/event-recorder";
import { eventually } from "../helpers/stack";
import { createProperty, type Http, type TestUser } from "./properties-fixtures";
import { startIcalWorld, type FeedSource, type IcalWorld } from "./ical-fixtures";

const TIMEOUT_MS = 1_500;
const { service: listener, received } = eventRecorder("icaldetails", ["booking.updated"]);

let world: IcalWorld;
let http: Http;
let owner: TestUser;
let feeds: IcalWorld["feeds"];

beforeAll(async () => {
	world = await startIcalWorld("icaldetails", [listener], {
		ICAL_FETCH_TIMEOUT_MS: String(TIMEOUT_MS),
	});
	({ http, owner, feeds } = world);
});
afterAll(() => world?.stop());

const service = () => world.bookingsService();

const sync = (propertyId: string, source: FeedSource) => world.sync(propertyId, source);

const bookingsOf = (propertyId: string) => world.bookingsOf(propertyId);
const importedReservations = async (propertyId: string) =>
	(await bookingsOf(propertyId)).filter((b) => b.source === "ical" && b.type === "reservation");

const getBooking = async (id: string) =>
	(await http.get(`/v1/bookings/${id}`, { token: owner.token })).body;

/** The booking.updated events of one booking that name `field`, in arrival order. */
const updatesOf = (bookingId: string, field: string) =>
	received.filter(
		(e) => e.data.booking_id === bookingId && e.data.changed_fields.includes(field),
	);

/** A property with one feed served at a fresh path, after its first sync succeeded. */
async function propertyWithFeed(source: "airbnb" | "booking", reply: Reply) {
	const path = `/${Math.random().toString(36).slice(2, 8)}/${source}.ics`;
	feeds.set(path, reply);
	const property = await createProperty(http, owner, {
		airbnb_ical_url: source === "airbnb" ? feeds.url(path) : null,
		booking_ical_url: source === "booking" ? feeds.url(path) : null,
	});
	const id = property.id as string;
	await eventually(async () => {
		const feed = await service().models.IcalFeed.findById(`${id}:${source}`).lean();
		return feed?.status === "ok" ? feed : undefined;
	}, 20_000);
	return { id, path };
}

const direct = async (propertyId: string, from: string, to: string) => {
	const res = await http.post(`/v1/properties/${propertyId}/bookings`, {
		token: owner.token,
		body: { from, to },
	});
	return res;
};

describe("conflicts", () => {
	it("flags the overlapped direct booking with an event and clears it the same way", async () => {
		const { id, path } = await propertyWithFeed("booking", {
			kind: "calendar",
			body: bookingFeed([]),
		});
		const manual = await direct(id, "2031-05-01", "2031-05-05");
		expect(manual.status).toBe(201);

		const stay = { uid: "flag@booking.com", from: "2031-05-03", to: "2031-05-07" };
		feeds.set(path, { kind: "calendar", body: bookingFeed([stay]) });
		expect(await sync(id, "booking")).toMatchObject({ created: 1 });
		expect(await getBooking(manual.body.id)).toMatchObject({ has_conflict: true });
		const [flagged] = await eventually(async () => {
			const found = updatesOf(manual.body.id, "has_conflict");
			return found.length ? found : undefined;
		});
		expect(flagged.data).toMatchObject({
			changed_fields: ["has_conflict"],
			previous: { from: "2031-05-01", to: "2031-05-05", status: "confirmed" },
		});

		// The channel moves the stay away: the flag clears on this same sync, with an event.
		feeds.set(path, { kind: "calendar", body: bookingFeed([{ ...stay, from: "2031-05-05" }]) });
		expect(await sync(id, "booking")).toMatchObject({ updated: 1 });
		expect(await getBooking(manual.body.id)).toMatchObject({ has_conflict: false });
		await eventually(async () =>
			updatesOf(manual.body.id, "has_conflict").length === 2 ? true : undefined,
		);
		const imported = (await bookingsOf(id)).find((b) => b.source === "ical");
		expect(imported).toMatchObject({ from: "2031-05-05", has_conflict: false });

		// Nothing changes on the next sync: no further event.
		await sync(id, "booking");
		expect(updatesOf(manual.body.id, "has_conflict")).toHaveLength(2);
	});
});

describe("a UID that comes back after ical_removed", () => {
	/** Drops the stay from the feed until its booking is cancelled (an empty feed would fail). */
	async function vanish(id: string, path: string) {
		const other = airbnbBlocked(`other-${id}@airbnb.com`, "2032-01-01", "2032-01-02");
		feeds.set(path, { kind: "calendar", body: airbnbFeed([other]) });
		for (let n = 0; n < MISSING_FETCHES_TO_CANCEL; n++) await sync(id, "airbnb");
	}

	it("restores the same booking, holding its nights again", async () => {
		const stay = airbnbReserved("back@airbnb.com", "2031-06-01", "2031-06-04", "HMBACK1");
		const { id, path } = await propertyWithFeed("airbnb", {
			kind: "calendar",
			body: airbnbFeed([stay]),
		});
		const [original] = await bookingsOf(id);
		await vanish(id, path);
		expect(await bookingsOf(id)).toContainEqual(
			expect.objectContaining({ _id: original._id, status: "cancelled" }),
		);
		expect((await direct(id, "2031-06-02", "2031-06-03")).status).toBe(201);
		// That direct booking was only a probe that the nights were free: give them back.
		const probe = (await bookingsOf(id)).find((b) => b.source === "manual");
		await http.patch(`/v1/bookings/${probe._id}`, {
			token: owner.token,
			body: { status: "cancelled" },
		});

		feeds.set(path, { kind: "calendar", body: airbnbFeed([stay]) });
		expect(await sync(id, "airbnb")).toMatchObject({ created: 0, updated: 1 });
		const imported = await importedReservations(id);
		expect(imported).toHaveLength(1);
		expect(imported[0]).toMatchObject({
			_id: original._id,
			status: "confirmed",
			cancelled_at: null,
			has_conflict: false,
		});
		expect((await direct(id, "2031-06-02", "2031-06-03")).status).toBe(409);
		await eventually(async () => updatesOf(original._id, "status").length || undefined);
		expect(updatesOf(original._id, "status")[0].data.previous.status).toBe("cancelled");
	});

	it("restores it as a conflict when a direct booking took its nights meanwhile", async () => {
		const stay = airbnbReserved("taken@airbnb.com", "2031-06-10", "2031-06-14", "HMTAKEN1");
		const { id, path } = await propertyWithFeed("airbnb", {
			kind: "calendar",
			body: airbnbFeed([stay]),
		});
		const [original] = await bookingsOf(id);
		await vanish(id, path);
		const manual = await direct(id, "2031-06-12", "2031-06-16");
		expect(manual.status).toBe(201);

		feeds.set(path, { kind: "calendar", body: airbnbFeed([stay]) });
		expect(await sync(id, "airbnb")).toMatchObject({ created: 0, updated: 1 });
		const imported = await importedReservations(id);
		expect(imported).toHaveLength(1);
		expect(imported[0]).toMatchObject({
			_id: original._id,
			status: "confirmed",
			has_conflict: true,
		});
		expect(await getBooking(manual.body.id)).toMatchObject({ has_conflict: true });
		// The direct booking keeps its nights: the restored one holds none.
		expect(await service().models.NightClaim.countDocuments({ booking_id: original._id })).toBe(
			0,
		);
	});

	it("never revives a booking the host cancelled", async () => {
		const stay = airbnbReserved("host@airbnb.com", "2031-06-20", "2031-06-22", "HMHOST1");
		const { id } = await propertyWithFeed("airbnb", {
			kind: "calendar",
			body: airbnbFeed([stay]),
		});
		const [booking] = await bookingsOf(id);
		await http.patch(`/v1/bookings/${booking._id}`, {
			token: owner.token,
			body: { status: "cancelled" },
		});
		expect(await sync(id, "airbnb")).toMatchObject({ created: 0, updated: 0 });
		expect((await bookingsOf(id)).map((b) => b.status)).toEqual(["cancelled"]);
	});
});

describe("fetching", () => {
	it.each(["etag", "last-modified"] as const)(
		"sends a conditional GET and keeps everything on 304 (%s)",
		async (validators) => {
			const first = airbnbReserved(
				`c-${validators}@airbnb.com`,
				"2031-09-01",
				"2031-09-03",
				"HMC1",
			);
			const { id, path } = await propertyWithFeed("airbnb", {
				kind: "calendar",
				body: airbnbFeed([first]),
				validators,
			});
			const before = await bookingsOf(id);

			expect(await sync(id, "airbnb")).toMatchObject({
				status: "ok",
				created: 0,
				updated: 0,
				cancelled: 0,
			});
			expect(feeds.notModified(path)).toBe(1);
			const after = await bookingsOf(id);
			const unstamped = (list: typeof before) =>
				list.map(({ last_sync_at: _, ...rest }) => rest);
			expect(unstamped(after)).toEqual(unstamped(before));
			// The repeated snapshot still lists the stay: it was seen by this sync.
			expect(after[0].last_sync_at.getTime()).toBeGreaterThan(
				before[0].last_sync_at.getTime(),
			);
			const feed = await service().models.IcalFeed.findById(`${id}:airbnb`).lean();
			expect(feed).toMatchObject({ status: "ok", events_count: 1 });

			// A changed calendar has new validators: it is fetched and applied in full.
			const second = airbnbReserved(
				`d-${validators}@airbnb.com`,
				"2031-09-05",
				"2031-09-07",
				"HMC2",
			);
			feeds.set(path, {
				kind: "calendar",
				body: airbnbFeed([first, second]),
				validators,
			});
			expect(await sync(id, "airbnb")).toMatchObject({ status: "ok", created: 1 });
			expect(feeds.notModified(path)).toBe(1);
		},
	);

	it("fetches in full while a booking of the feed is flagged, so the flag settles", async () => {
		const { id, path } = await propertyWithFeed("airbnb", {
			kind: "calendar",
			body: airbnbFeed([]),
			validators: "etag",
		});
		const manual = await direct(id, "2031-10-01", "2031-10-05");
		expect(manual.status).toBe(201);
		const stay = airbnbReserved("settle@airbnb.com", "2031-10-03", "2031-10-06", "HMSET1");
		feeds.set(path, { kind: "calendar", body: airbnbFeed([stay]), validators: "etag" });
		expect(await sync(id, "airbnb")).toMatchObject({ created: 1 });
		const [imported] = await importedReservations(id);
		expect(imported.has_conflict).toBe(true);

		// The host cancels the direct booking; the channel's calendar is unchanged.
		await http.patch(`/v1/bookings/${manual.body.id}`, {
			token: owner.token,
			body: { status: "cancelled" },
		});
		expect(await sync(id, "airbnb")).toMatchObject({ status: "ok", updated: 1 });
		expect(feeds.notModified(path)).toBe(0);
		expect(await getBooking(imported._id)).toMatchObject({ has_conflict: false });
		expect((await direct(id, "2031-10-04", "2031-10-05")).status).toBe(409);

		// Settled: the next sync asks conditionally again and gets a 304.
		expect(await sync(id, "airbnb")).toMatchObject({ status: "ok", updated: 0 });
		expect(feeds.notModified(path)).toBe(1);
	});

	it("waits as long as a 429 asks before it calls the host again", async () => {
		const stay = airbnbReserved("slow@airbnb.com", "2031-11-01", "2031-11-04", "HMSLOW1");
		const { id, path } = await propertyWithFeed("airbnb", {
			kind: "calendar",
			body: airbnbFeed([stay]),
		});
		const before = await bookingsOf(id);
		feeds.set(path, { kind: "status", status: 429, retryAfter: "600" });
		expect(await sync(id, "airbnb")).toMatchObject({ status: "error", error: "rate_limited" });
		const feed = await service().models.IcalFeed.findById(`${id}:airbnb`).lean();
		expect(feed.retry_not_before.getTime()).toBeGreaterThan(Date.now() + 590_000);
		expect(await bookingsOf(id)).toEqual(before);
		const property = await http.get(`/v1/properties/${id}`, { token: owner.token });
		expect(property.body.calendars[0]).toMatchObject({
			status: "error",
			last_error: "rate_limited",
		});

		// Asked again within the ten minutes (a PUT, the schedule): the host is left alone.
		feeds.set(path, { kind: "calendar", body: airbnbFeed([stay]) });
		const hits = feeds.hits(path);
		expect(await sync(id, "airbnb")).toMatchObject({ status: "deferred" });
		expect(feeds.hits(path)).toBe(hits);

		// Ten minutes later (moved back in the database): fetched, and the pause is over.
		await service().models.IcalFeed.updateOne(
			{ _id: `${id}:airbnb` },
			{ $set: { retry_not_before: new Date(Date.now() - 1000) } },
		);
		expect(await sync(id, "airbnb")).toMatchObject({ status: "ok" });
		expect(feeds.hits(path)).toBe(hits + 1);
		const after = await service().models.IcalFeed.findById(`${id}:airbnb`).lean();
		expect(after).toMatchObject({ status: "ok", last_error: null, retry_not_before: null });
	});

	it("fails a feed that hangs at ICAL_FETCH_TIMEOUT_MS and keeps its bookings", async () => {
		const stay = airbnbReserved("hang@airbnb.com", "2031-10-01", "2031-10-03", "HMHANG1");
		const { id, path } = await propertyWithFeed("airbnb", {
			kind: "calendar",
			body: airbnbFeed([stay]),
		});
		feeds.set(path, { kind: "hang" });

		const started = Date.now();
		expect(await sync(id, "airbnb")).toMatchObject({ status: "error", error: "timeout" });
		const elapsed = Date.now() - started;
		expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
		expect(elapsed).toBeLessThan(TIMEOUT_MS + 5_000);
		const feed = await service().models.IcalFeed.findById(`${id}:airbnb`).lean();
		expect(feed).toMatchObject({ status: "error", last_error: "timeout" });
		expect((await bookingsOf(id)).map((b) => b.status)).toEqual(["confirmed"]);
	});
});
