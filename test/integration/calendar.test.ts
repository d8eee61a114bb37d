/**
 * The calendar views through the gateway (§6.1, §6.2): window defaults and limits, the event
 * shape of §17.14, bookings merged with the tasks service's task events (each confirmed stay
 * has its automatic cleaning task at checkout), and what each role sees (§18.1, rows 12, 13).
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import accounts from "../../services/accounts/accounts.service";
import bookings from "../../services/bookings/bookings.service";
import { addMonths } from "../../services/bookings/calendar-window";
import { addDays, localToday } from "../../shared/local-dates";
import properties from "../../services/properties/properties.service";
import tasks from "../../services/tasks/tasks.service";
import { eventRecorder, handledBy } from "../helpers/event-recorder";
import { client } from "../helpers/http";
import { cleanUp, eventually, startStack, type Stack } from "../helpers/stack";
import {
	buildWorld,
	createProperty,
	registerUser,
	geoStub,
	type Http,
	type World,
} from "./properties-fixtures";

const EVENT_KEYS = [
	"id",
	"type",
	"property_id",
	"title",
	"status",
	"from",
	"to",
	"start_at",
	"end_at",
	"channel",
	"guests_number",
	"guest_name",
	"booking_id",
	"task_type",
	"assigned_to",
	"assigned_to_name",
].sort();

const { service: listener, received } = eventRecorder("calendarlistener", [
	"booking.created",
	"booking.cancelled",
]);

let stack: Stack;
let http: Http;
let world: World;
const today = localToday("Europe/Madrid");
const ids: Record<string, string> = {};

async function book(key: string, body: Record<string, unknown>) {
	const res = await http.post(`/v1/properties/${world.propertyId}/bookings`, {
		token: world.users.owner.token,
		body,
	});
	if (res.status !== 201) throw new Error(`book ${key}: ${res.status} ${res.text}`);
	ids[key] = res.body.id;
}

/** Waits for the automatic cleaning task of each booking; keys them as `<booking>Task`. */
async function awaitCleaningTasks(keys: string[]) {
	const token = world.users.owner.token;
	await eventually(async () => {
		const res = await http.get(
			`/v1/properties/${world.propertyId}/tasks?include_cancelled=true&size=100`,
			{ token },
		);
		const byBooking = new Map(res.body.tasks.map((t: any) => [t.booking_id, t]));
		const found = keys.map((key) => byBooking.get(ids[key]) as any);
		if (found.some((task) => !task)) return undefined;
		keys.forEach((key, n) => (ids[`${key}Task`] = found[n].id));
		return true;
	}, 20_000);
}

beforeAll(async () => {
	stack = await startStack("calendar", [
		accounts,
		geoStub,
		properties,
		bookings,
		tasks,
		listener,
	]);
	http = client(stack.url);
	world = await buildWorld(http, "calendar");
	const guest = { guest_first_name: "Anna", guest_last_name: "Schmidt", adults_count: 3 };
	await book("stay", { from: addDays(today, 2), to: addDays(today, 5), ...guest });
	await book("anonymous", { from: addDays(today, 6), to: addDays(today, 8), channel: "airbnb" });
	await book("block", { type: "block", from: addDays(today, 10), to: addDays(today, 12) });
	await book("past", { from: addDays(today, -4), to: today, ...guest });
	await book("far", { from: addDays(today, 200), to: addDays(today, 203), ...guest });
	await book("cancelled", { from: addDays(today, 14), to: addDays(today, 16), ...guest });
	const cancel = await http.patch(`/v1/bookings/${ids.cancelled}`, {
		token: world.users.owner.token,
		body: { status: "cancelled" },
	});
	expect(cancel.status).toBe(200);
	await awaitCleaningTasks(["stay", "anonymous", "past", "far"]);
	// The cancelled stay has no live task once both its events reached the tasks service
	// (they come on separate streams, in either order).
	const tasksService = stack.brokers.get("tasks")?.getLocalService("tasks");
	for (const type of ["booking.created", "booking.cancelled"]) {
		const event = await eventually(async () =>
			received.find((e) => e.type === type && e.data.booking_id === ids.cancelled),
		);
		await handledBy(tasksService, event.id);
	}

	// Staff clean the stay; the contractor has a maintenance job of their own.
	const assign = await http.patch(`/v1/tasks/${ids.stayTask}`, {
		token: world.users.owner.token,
		body: { assigned_to: world.users.staff.id },
	});
	expect(assign.status).toBe(200);
	const job = await http.post("/v1/tasks", {
		token: world.users.owner.token,
		body: {
			property_id: world.propertyId,
			task_type: "maintenance",
			from: `${addDays(today, 3)}T08:00:00.000Z`,
			to: `${addDays(today, 3)}T09:00:00.000Z`,
			assigned_to: world.users.contractor.id,
		},
	});
	expect(job.status).toBe(201);
	ids.job = job.body.id;
});

/** Every event of the property in the default window, in order. */
const EXPECTED = () => [
	ids.past,
	ids.pastTask,
	ids.stay,
	ids.job,
	ids.stayTask,
	ids.anonymous,
	ids.anonymousTask,
	ids.block,
];

const byId = (events: any[], id: string) => events.find((e) => e.id === id);
afterAll(async () => {
	await stack?.stop();
	await cleanUp(stack.namespace, ["calendarlistener"]);
});

const calendar = (user: keyof World["users"], query = "") =>
	http.get(`/v1/properties/${world.propertyId}/calendar${query}`, {
		token: world.users[user].token,
	});

describe("GET /v1/properties/{id}/calendar", () => {
	it("defaults to today (property time zone) and a month later, with §17.14 events", async () => {
		const res = await calendar("owner");
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			property_id: world.propertyId,
			timezone: "Europe/Madrid",
			from: today,
			to: addMonths(today, 1),
		});
		const events = res.body.events;
		// The past stay ends today (inclusive window); the far and cancelled ones are left out,
		// and so is the cancelled stay's cancelled task.
		expect(events.map((e: any) => e.id)).toEqual(EXPECTED());
		for (const event of events) expect(Object.keys(event).sort()).toEqual(EVENT_KEYS);
		expect(byId(events, ids.stay)).toEqual({
			id: ids.stay,
			type: "booking",
			property_id: world.propertyId,
			title: "Anna Schmidt",
			status: "confirmed",
			from: addDays(today, 2),
			to: addDays(today, 5),
			start_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/),
			end_at: expect.stringMatching(/Z$/),
			channel: "direct",
			guests_number: 3,
			guest_name: "Anna Schmidt",
			booking_id: null,
			task_type: null,
			assigned_to: null,
			assigned_to_name: null,
		});
		expect(byId(events, ids.anonymous)).toMatchObject({
			title: "Airbnb",
			guest_name: null,
			channel: "airbnb",
		});
		expect(byId(events, ids.block)).toMatchObject({ type: "blocked", guests_number: null });
		expect(byId(events, ids.stayTask)).toEqual({
			id: ids.stayTask,
			type: "task",
			property_id: world.propertyId,
			title: "Cleaning",
			status: "pending",
			from: addDays(today, 5),
			to: addDays(today, 5),
			start_at: byId(events, ids.stay).end_at,
			end_at: expect.stringMatching(/Z$/),
			channel: null,
			guests_number: null,
			guest_name: null,
			booking_id: ids.stay,
			task_type: "cleaning",
			assigned_to: world.users.staff.id,
			assigned_to_name: expect.stringContaining("staff"),
		});
	});

	it("honours from and to, both inclusive", async () => {
		const from = addDays(today, 203);
		const res = await calendar("owner", `?from=${from}&to=${from}`);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ from, to: from });
		expect(res.body.events.map((e: any) => e.id)).toEqual([ids.far, ids.farTask]);

		const onlyFrom = await calendar("owner", "?from=2031-01-31");
		expect(onlyFrom.body).toMatchObject({ from: "2031-01-31", to: "2031-02-28" });
	});

	it("accepts 366 days and refuses 367, a reversed window or an impossible date", async () => {
		const ok = await calendar("owner", "?from=2032-01-01&to=2032-12-31");
		expect(ok.status).toBe(200);
		const tooLong = await calendar("owner", "?from=2031-01-01&to=2032-01-02");
		expect(tooLong.status).toBe(400);
		expect(tooLong.body.error.code).toBe("INVALID_DATE_RANGE");
		const reversed = await calendar("owner", "?from=2031-01-02&to=2031-01-01");
		expect(reversed.body.error.code).toBe("INVALID_DATE_RANGE");
		const impossible = await calendar("owner", "?from=2031-02-30");
		expect(impossible.status).toBe(400);
		expect(impossible.body.error.code).toBe("INVALID_PARAMETER");
		const malformed = await calendar("owner", "?to=tomorrow");
		expect(malformed.status).toBe(400);
		expect(malformed.body.error.code).toBe("INVALID_PARAMETER");
	});

	it("redacts bookings for staff, gives contractors their tasks only, hides it", async () => {
		const manager = await calendar("manager");
		expect(byId(manager.body.events, ids.stay).guest_name).toBe("Anna Schmidt");
		// Managers see tasks in the crew view: no booking link.
		expect(byId(manager.body.events, ids.stayTask)).toMatchObject({
			task_type: "cleaning",
			booking_id: null,
		});

		const staff = await calendar("staff");
		expect(staff.status).toBe(200);
		expect(staff.body.events.map((e: any) => e.id)).toEqual(EXPECTED());
		expect(byId(staff.body.events, ids.stay)).toMatchObject({
			title: "Direct",
			guest_name: null,
		});
		expect(JSON.stringify(staff.body)).not.toContain("Schmidt");
		// Their own task in the crew view; someone else's stripped to when and where.
		expect(byId(staff.body.events, ids.stayTask)).toMatchObject({
			title: "Cleaning",
			booking_id: null,
			assigned_to: world.users.staff.id,
		});
		expect(byId(staff.body.events, ids.job)).toMatchObject({
			type: "task",
			title: "Task",
			status: null,
			task_type: null,
			assigned_to: null,
			assigned_to_name: null,
		});

		const contractor = await calendar("contractor");
		expect(contractor.status).toBe(200);
		expect(contractor.body.events.map((e: any) => e.id)).toEqual([ids.job]);
		expect(contractor.body.events[0]).toMatchObject({
			task_type: "maintenance",
			booking_id: null,
			assigned_to: world.users.contractor.id,
		});

		expect((await calendar("stranger")).status).toBe(404);
		const anonymous = await http.get(`/v1/properties/${world.propertyId}/calendar`);
		expect(anonymous.status).toBe(401);
	});

	it("takes today in the property's time zone", async () => {
		const zone = "Pacific/Kiritimati";
		const property = await createProperty(http, world.users.owner, { timezone: zone });
		const res = await http.get(`/v1/properties/${property.id}/calendar`, {
			token: world.users.owner.token,
		});
		expect(res.body).toMatchObject({ timezone: zone, from: localToday(zone), events: [] });
	});
});

describe("GET /v1/calendar", () => {
	it("lists every accessible property by name, by role, from today in Madrid", async () => {
		const other = await createProperty(http, world.users.owner, { name: "Aaa Empty" });
		const owner = await http.get("/v1/calendar", { token: world.users.owner.token });
		expect(owner.status).toBe(200);
		expect(owner.body.from).toBe(today);
		expect(owner.body.to).toBe(addMonths(today, 1));
		const names = owner.body.properties.map((p: any) => p.property.name);
		expect(names).toEqual([...names].sort());
		const empty = owner.body.properties.find((p: any) => p.property.id === other.id);
		expect(empty).toEqual({
			property: {
				id: other.id,
				name: "Aaa Empty",
				timezone: "Europe/Madrid",
				role: "owner",
				cover_image_url: null,
			},
			events: [],
		});
		const main = owner.body.properties.find((p: any) => p.property.id === world.propertyId);
		expect(main.events.map((e: any) => e.id)).toEqual(EXPECTED());

		const staff = await http.get("/v1/calendar", { token: world.users.staff.token });
		expect(staff.body.properties).toHaveLength(1);
		expect(staff.body.properties[0].property.role).toBe("staff");
		expect(byId(staff.body.properties[0].events, ids.stay).guest_name).toBeNull();

		const contractor = await http.get("/v1/calendar", { token: world.users.contractor.token });
		expect(contractor.body.properties).toHaveLength(1);
		expect(contractor.body.properties[0].events.map((e: any) => e.id)).toEqual([ids.job]);

		const stranger = await http.get("/v1/calendar", { token: world.users.stranger.token });
		expect(stranger.body.properties).toEqual([]);
	});

	it("applies the window rules and needs a registered caller", async () => {
		const token = world.users.owner.token;
		const far = await http.get(`/v1/calendar?from=${addDays(today, 201)}`, { token });
		const main = far.body.properties.find((p: any) => p.property.id === world.propertyId);
		expect(main.events.map((e: any) => e.id)).toEqual([ids.far, ids.farTask]);
		const tooLong = await http.get("/v1/calendar?from=2031-01-01&to=2032-01-02", { token });
		expect(tooLong.status).toBe(400);
		expect(tooLong.body.error.code).toBe("INVALID_DATE_RANGE");
		expect((await http.get("/v1/calendar")).status).toBe(401);
		const newcomer = await registerUser(http, "calendar-newcomer");
		const none = await http.get("/v1/calendar", { token: newcomer.token });
		expect(none.body.properties).toEqual([]);
	});
});

it("documents the calendar and iCal export operations in the OpenAPI document", async () => {
	const doc = (await http.get("/openapi.json")).body;
	await SwaggerParser.validate(structuredClone(doc));
	expect(Object.keys(doc.paths)).toEqual(
		expect.arrayContaining([
			"/v1/calendar",
			"/v1/properties/{id}/calendar",
			"/v1/properties/{id}/ical-export",
			"/v1/ical/{token}.ics",
		]),
	);
	expect(doc.components.schemas.CalendarEvent.required).toContain("guest_name");
	expect(doc.components.schemas.IcalExport.required).toEqual(["url", "created_at"]);
});

/** Retries the gateway made of calls to `action` (Moleculer's own counter). */
function gatewayRetriesOf(action: string): number {
	const metric = stack.gateway.metrics.getMetric("moleculer.request.retry.attempts.total");
	const values = (metric?.snapshot() ?? []) as { labels: { action?: string }; value: number }[];
	return values.filter((v) => v.labels.action === action).reduce((sum, v) => sum + v.value, 0);
}

// Last: it stops the tasks service for a moment.
it("answers 503 with Retry-After while the tasks service is away, then recovers", async () => {
	const token = world.users.owner.token;
	await stack.stopService("tasks");
	try {
		for (const path of [`/v1/properties/${world.propertyId}/calendar`, "/v1/calendar"]) {
			const res = await http.get(path, { token });
			expect([res.status, res.body.error?.code]).toEqual([503, "SERVICE_UNAVAILABLE"]);
			expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
		}
		// Bookings ran and failed: the gateway does not run it again for a missing tasks.
		expect(gatewayRetriesOf("bookings.propertyCalendar")).toBe(0);
		expect(gatewayRetriesOf("bookings.accountCalendar")).toBe(0);
	} finally {
		await stack.startService(tasks);
	}
	const back = await http.get(`/v1/properties/${world.propertyId}/calendar`, { token });
	expect(back.status).toBe(200);
	expect(back.body.events.some((e: any) => e.type === "task")).toBe(true);
});
