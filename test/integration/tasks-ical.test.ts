/**
 * Cleaning tasks of imported stays (§14.11: "whether created or imported"): a stay a channel's
 * feed brings gets its task, loses it (cancelled) when the channel drops the stay, and gets
 * the same task back when the channel lists the stay again.
 */
import { MISSING_FETCHES_TO_CANCEL } from "../../services/bookings/ical/apply";
import tasks from "../../services/tasks/tasks.service";
import { airbnbBlocked, airbnbFeed, airbnbReserved } from "../fakes/ical-server";
import { eventRecorder, handledBy } from "../helpers/event-recorder";
import { eventually } from "../helpers/stack";
import { createProperty, type Http, type TestUser } from "./properties-fixtures";
import { startIcalWorld, type IcalWorld } from "./ical-fixtures";

const { service: listener, received } = eventRecorder("tasksicallistener", ["booking.updated"]);

let world: IcalWorld;
let http: Http;
let owner: TestUser;
let feeds: IcalWorld["feeds"];

beforeAll(async () => {
	world = await startIcalWorld("tasksical", [tasks, listener]);
	({ http, owner, feeds } = world);
});
afterAll(() => world?.stop());

const sync = (propertyId: string) => world.sync(propertyId, "airbnb");
const tasksService = (): any => world.stack.brokers.get("tasks")?.getLocalService("tasks");

/** The automatic task of the property's imported reservation, once `check` holds. */
const importedTask = (propertyId: string, check: (task: any) => boolean) =>
	eventually(async () => {
		const found = await tasksService()
			.models.Task.find({ property_id: propertyId, auto_created: true })
			.lean();
		return found.length === 1 && found[0].outbox.length === 0 && check(found[0])
			? found[0]
			: undefined;
	}, 20_000);

it("follows an imported stay: created, cancelled when gone, back when it returns", async () => {
	const stay = airbnbReserved("turn@airbnb.com", "2031-09-01", "2031-09-04", "HMTURN1");
	const other = airbnbBlocked("keep@airbnb.com", "2032-01-01", "2032-01-02");
	const path = "/tasksical/airbnb.ics";
	feeds.set(path, { kind: "calendar", body: airbnbFeed([stay, other]) });
	const property = await createProperty(http, owner, { airbnb_ical_url: feeds.url(path) });
	await sync(property.id);

	const created = await importedTask(property.id, (t) => t.status === "pending");
	expect(created).toMatchObject({ task_type: "cleaning", assigned_to: owner.id });
	const listed = await http.get(`/v1/properties/${property.id}/tasks`, {
		token: owner.token,
	});
	expect(listed.body.tasks.map((t: any) => t.id)).toEqual([created._id]);

	// An empty feed would be refused as suspicious: the block keeps it non-empty.
	feeds.set(path, { kind: "calendar", body: airbnbFeed([other]) });
	for (let n = 0; n < MISSING_FETCHES_TO_CANCEL; n++) await sync(property.id);
	const cancelled = await importedTask(property.id, (t) => t.status === "cancelled");
	expect(cancelled).toMatchObject({ _id: created._id, cancel_reason: "booking_cancelled" });

	feeds.set(path, { kind: "calendar", body: airbnbFeed([stay, other]) });
	await sync(property.id);
	const restored = await importedTask(property.id, (t) => t.status === "pending");
	expect(restored).toMatchObject({ _id: created._id, cancelled_at: null, cancel_reason: null });
});

it("leaves a task the owner cancelled cancelled when the stay comes back", async () => {
	const stay = airbnbReserved("own@airbnb.com", "2031-10-01", "2031-10-03", "HMOWN1");
	const other = airbnbBlocked("keep2@airbnb.com", "2032-02-01", "2032-02-02");
	const path = "/tasksical/owner.ics";
	feeds.set(path, { kind: "calendar", body: airbnbFeed([stay, other]) });
	const property = await createProperty(http, owner, { airbnb_ical_url: feeds.url(path) });
	await sync(property.id);
	const task = await importedTask(property.id, (t) => t.status === "pending");
	const cancel = await http.patch(`/v1/tasks/${task._id}`, {
		token: owner.token,
		body: { status: "cancelled" },
	});
	expect(cancel.status).toBe(200);

	feeds.set(path, { kind: "calendar", body: airbnbFeed([other]) });
	for (let n = 0; n < MISSING_FETCHES_TO_CANCEL; n++) await sync(property.id);
	feeds.set(path, { kind: "calendar", body: airbnbFeed([stay, other]) });
	await sync(property.id);
	const booking = await eventually(async () => {
		const found = await world
			.bookingsService()
			.models.Booking.findOne({ _id: task.booking_id, status: "confirmed" })
			.lean();
		return found ?? undefined;
	});
	expect(booking).toBeTruthy();
	// Wait until the tasks service has handled the restore's booking.updated, then look.
	const restore = await eventually(async () =>
		received.find(
			(e) =>
				e.data.booking_id === task.booking_id && e.data.changed_fields.includes("status"),
		),
	);
	await handledBy(tasksService(), restore.id);
	const after = await tasksService().models.Task.findById(task._id).lean();
	expect(after).toMatchObject({ status: "cancelled", cancel_reason: "manual" });
});
