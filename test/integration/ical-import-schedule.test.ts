/**
 * Who syncs an iCal feed and when (§11.11): one replica per interval and one sync of a feed
 * at a time, decided by unique lease inserts; feeds follow the property's URLs and go with it.
 */
import { syncDueFeeds, syncExclusive } from "../../services/bookings/ical/schedule";
import { airbnbFeed, airbnbReserved } from "../fakes/ical-server";
import { eventually } from "../helpers/stack";
import { createProperty, propertyBody, type Http, type TestUser } from "./properties-fixtures";
import { startIcalWorld, type IcalWorld } from "./ical-fixtures";

let world: IcalWorld;
let http: Http;
let owner: TestUser;
let feeds: IcalWorld["feeds"];

beforeAll(async () => {
	// A hanging feed is waited out once per test: a short fetch timeout keeps that quick.
	world = await startIcalWorld("icalsched", [], { ICAL_FETCH_TIMEOUT_MS: "3000" });
	({ http, owner, feeds } = world);
});
afterAll(() => world?.stop());

const service = () => world.bookingsService();
const feedOf = (propertyId: string) =>
	service().models.IcalFeed.findById(`${propertyId}:airbnb`).lean();

async function propertyWithFeed(path: string) {
	feeds.set(path, {
		kind: "calendar",
		body: airbnbFeed([airbnbReserved("s1@airbnb.com", "2031-06-01", "2031-06-03", "HMS1")]),
	});
	const property = await createProperty(http, owner, {
		airbnb_ical_url: feeds.url(path),
		booking_ical_url: null,
	});
	// Settled: the first sync has written its result and let go of its lease.
	await eventually(async () => {
		if ((await feedOf(property.id))?.status !== "ok") return undefined;
		const running = await service().models.IcalLease.countDocuments({
			_id: `${property.id}:airbnb:running`,
		});
		return running === 0 ? true : undefined;
	});
	return property.id as string;
}

it("lets one of several concurrent syncs of a feed run", async () => {
	const id = await propertyWithFeed("/sched/one.ics");
	feeds.set("/sched/one.ics", { kind: "hang" });
	const outcomes = await Promise.all(
		[1, 2, 3].map(() => syncExclusive.call(service(), `${id}:airbnb`)),
	);
	expect(outcomes.filter((o) => o === "busy")).toHaveLength(2);
	expect(await service().models.IcalLease.countDocuments({ _id: `${id}:airbnb:running` })).toBe(
		0,
	);
	feeds.set("/sched/one.ics", { kind: "calendar", body: airbnbFeed([]) });
}, 30_000);

it("lets one replica take over a crashed one's stale sync lease, never a fresh one", async () => {
	const id = await propertyWithFeed("/sched/crash.ics");
	const feedId = `${id}:airbnb`;
	const { IcalLease } = service().models;
	const lease = (minutesAgo: number) => ({
		_id: `${feedId}:running`,
		feed_id: feedId,
		holder: "crashed-replica",
		acquired_at: new Date(Date.now() - minutesAgo * 60_000),
	});

	// A lease two minutes old may belong to a sync still running elsewhere.
	await IcalLease.create(lease(2));
	expect(await syncExclusive.call(service(), feedId)).toBe("busy");

	await IcalLease.deleteOne({ _id: `${feedId}:running` });
	await IcalLease.create(lease(6));
	const before = feeds.hits("/sched/crash.ics");
	const outcomes = await Promise.all([1, 2, 3].map(() => syncExclusive.call(service(), feedId)));
	expect(outcomes.filter((o) => o === "busy")).toHaveLength(2);
	expect(outcomes.find((o) => o !== "busy")).toMatchObject({ status: "ok" });
	expect(feeds.hits("/sched/crash.ics")).toBe(before + 1);
	expect(await IcalLease.countDocuments({ _id: `${feedId}:running` })).toBe(0);
});

it("syncs a due feed once per interval, whichever replica ticks", async () => {
	const id = await propertyWithFeed("/sched/due.ics");
	const before = feeds.hits("/sched/due.ics");
	const later = Date.now() + 31 * 60_000;
	// Two replicas ticking in the same interval: only one of them fetches.
	const synced = await Promise.all([
		syncDueFeeds.call(service(), later),
		syncDueFeeds.call(service(), later),
	]);
	// Other tests' feeds are due too, so the counts only show that both ticks ran.
	expect(synced.every((n) => n >= 0)).toBe(true);
	expect(feeds.hits("/sched/due.ics")).toBe(before + 1);
	const slots = await service().models.IcalLease.countDocuments({ feed_id: `${id}:airbnb` });
	expect(slots).toBe(1);
	// Just synced: not due again in the next interval's first tick.
	await syncDueFeeds.call(service(), Date.now() + 60_000);
	expect(feeds.hits("/sched/due.ics")).toBe(before + 1);
});

it("re-fetches the feeds at once on PUT, even when their URLs stay the same", async () => {
	const id = await propertyWithFeed("/sched/put.ics");
	const before = feeds.hits("/sched/put.ics");
	const synced = (await feedOf(id)).last_sync_at.getTime();
	const put = await http.put(`/v1/properties/${id}`, {
		token: owner.token,
		body: propertyBody({
			name: "Renamed by PUT",
			airbnb_ical_url: feeds.url("/sched/put.ics"),
			booking_ical_url: null,
		}),
	});
	expect(put.status).toBe(200);
	await eventually(async () => {
		const feed = await feedOf(id);
		return feed.last_sync_at.getTime() > synced ? true : undefined;
	}, 20_000);
	expect(feeds.hits("/sched/put.ics")).toBe(before + 1);

	// PATCH cannot change the URLs (§11.5) and does not re-sync.
	const patch = await http.patch(`/v1/properties/${id}`, {
		token: owner.token,
		body: { name: "Renamed by PATCH" },
	});
	expect(patch.status).toBe(200);
	expect(feeds.hits("/sched/put.ics")).toBe(before + 1);
});

it("follows a changed URL at once and drops the feeds of a deleted property", async () => {
	const id = await propertyWithFeed("/sched/old.ics");
	feeds.set("/sched/new.ics", { kind: "calendar", body: airbnbFeed([]) });
	const put = await http.put(`/v1/properties/${id}`, {
		token: owner.token,
		body: propertyBody({
			airbnb_ical_url: feeds.url("/sched/new.ics"),
			booking_ical_url: null,
		}),
	});
	expect(put.status).toBe(200);
	await eventually(async () => (feeds.hits("/sched/new.ics") > 0 ? true : undefined), 20_000);
	expect((await feedOf(id)).url).toBe(feeds.url("/sched/new.ics"));

	const res = await http.delete(`/v1/properties/${id}?force=true`, { token: owner.token });
	expect(res.status).toBe(204);
	await eventually(async () => ((await feedOf(id)) === null ? true : undefined), 20_000);
	expect(await service().models.IcalLink.countDocuments({ feed_id: `${id}:airbnb` })).toBe(0);
});
