/**
 * The "done" line, end to end: a property with an Airbnb iCal feed (served by the
 * local fake) shows the imported reservation as a `booking` and Airbnb's "Not available" as a
 * `blocked` event in both calendar views (§6.1, §6.2) through the gateway, with the stay's
 * cleaning task from the tasks service, and follows the feed when it changes.
 */
import tasks from "../../services/tasks/tasks.service";
import { airbnbBlocked, airbnbFeed, airbnbReserved } from "../fakes/ical-server";
import { eventually } from "../helpers/stack";
import { createProperty, type Http, type TestUser } from "./properties-fixtures";
import { startIcalWorld, type IcalWorld } from "./ical-fixtures";

let world: IcalWorld;
let http: Http;
let owner: TestUser;
let feeds: IcalWorld["feeds"];

beforeAll(async () => {
	world = await startIcalWorld("icalcalendar", [tasks]);
	({ http, owner, feeds } = world);
});
afterAll(() => world?.stop());

const WINDOW = "?from=2031-03-01&to=2031-03-31";

const propertyCalendar = async (id: string) => {
	const res = await http.get(`/v1/properties/${id}/calendar${WINDOW}`, { token: owner.token });
	expect(res.status).toBe(200);
	return res.body.events as any[];
};

const accountCalendar = async (id: string) => {
	const res = await http.get(`/v1/calendar${WINDOW}`, { token: owner.token });
	expect(res.status).toBe(200);
	return res.body.properties.find((p: any) => p.property.id === id).events as any[];
};

const shape = (events: any[]) =>
	events.map((e) => [e.type, e.title, e.from, e.to, e.channel, e.guests_number]);

it("shows an Airbnb feed's reservations and blocks in both calendars", async () => {
	const path = "/calendar/airbnb.ics";
	const reserved = airbnbReserved("cal-r1@airbnb.com", "2031-03-02", "2031-03-06", "HMCAL001");
	const blocked = airbnbBlocked("cal-b1@airbnb.com", "2031-03-20", "2031-03-23");
	feeds.set(path, { kind: "calendar", body: airbnbFeed([reserved, blocked]) });
	const property = await createProperty(http, owner, {
		airbnb_ical_url: feeds.url(path),
		booking_ical_url: null,
	});

	// No sync is asked for: property.created makes the bookings service fetch the feed.
	// The imported reservation also gets its cleaning task at checkout (tasks service).
	const expected = [
		["booking", "Airbnb", "2031-03-02", "2031-03-06", "airbnb", 1],
		["task", "Cleaning", "2031-03-06", "2031-03-06", null, null],
		["blocked", "Not available", "2031-03-20", "2031-03-23", "airbnb", null],
	];
	const events = await eventually(async () => {
		const found = await propertyCalendar(property.id);
		return found.length === 3 ? found : undefined;
	}, 20_000);
	expect(shape(events)).toEqual(expected);
	// An imported stay has no guest name: the title is the channel's label.
	expect(events[0]).toMatchObject({ status: "confirmed", guest_name: null });
	expect(shape(await accountCalendar(property.id))).toEqual(expected);

	// The feed moves the stay and drops the block: one sync later both calendars follow.
	const moved = { ...reserved, from: "2031-03-09", to: "2031-03-12" };
	feeds.set(path, { kind: "calendar", body: airbnbFeed([moved]) });
	await world.sync(property.id, "airbnb");
	const after = [
		["booking", "Airbnb", "2031-03-09", "2031-03-12", "airbnb", 1],
		["task", "Cleaning", "2031-03-12", "2031-03-12", null, null],
	];
	// The task moves when the tasks service has handled the booking's update.
	await eventually(async () => {
		const found = shape(await propertyCalendar(property.id));
		return JSON.stringify(found) === JSON.stringify(after) ? found : undefined;
	}, 20_000);
	expect(shape(await accountCalendar(property.id))).toEqual(after);
}, 60_000);
