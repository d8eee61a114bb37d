/**
 * Tasks living on other services' events, end to end over NATS (§14.11, §11.4, §11.6, §12.4):
 * automatic cleaning tasks follow their bookings, at least once and idempotently, also across
 * a restart of the tasks service; property and crew changes reach the tasks; every task event
 * carries the catalogue's fields (§19).
 */
import { randomUUID } from "node:crypto";
import type { DomainEvent } from "../../shared/events/envelope";
import { localInstant } from "../../shared/local-dates";
import tasks from "../../services/tasks/tasks.service";
import { ensureAutoTask } from "../../services/tasks/auto-tasks";
import { propertyFact } from "../../services/tasks/facts";
import type { BookingStay } from "../../services/tasks/service-types";
import { onTaskCreated, onTaskDeleted } from "../../services/bookings/cleaning-task";
import { eventRecorder } from "../helpers/event-recorder";
import { cleanUp, eventually, type Stack } from "../helpers/stack";
import type { Http } from "./properties-fixtures";
import {
	addWorld,
	createBooking,
	createTask,
	dateIn,
	instantIn,
	startTasksStack,
	tasksService,
	type TaskWorld,
} from "./tasks-fixtures";

const TYPES = ["task.created", "task.updated", "task.cancelled", "booking.created"];
const { service: listener, received } = eventRecorder("tasklistener", TYPES);

let stack: Stack;
let http: Http;
let w: TaskWorld;

beforeAll(async () => {
	({ stack, http } = await startTasksStack("taskevents", [listener]));
	w = await addWorld(stack, http, "taskevents");
	const res = await http.patch(`/v1/properties/${w.propertyId}`, {
		token: w.owner.token,
		body: { default_cleaner_id: w.staff.id },
	});
	expect(res.status).toBe(200);
});
afterAll(async () => {
	await stack?.stop();
	await cleanUp(stack.namespace, ["tasklistener"]);
});

const model = () => tasksService(stack).models.Task;
const autoTasksOf = (bookingId: string) =>
	model().find({ booking_id: bookingId, auto_created: true }).lean();

/**
 * The booking's automatic task once `check` holds for it and its events are out. Waiting for
 * the outbox matters on FerretDB: its updates rewrite the whole document, so a PATCH racing
 * the outbox's `$pop` can be lost (MongoDB applies both).
 */
const autoTask = (bookingId: string, check: (task: any) => boolean = () => true) =>
	eventually(async () => {
		const found = await autoTasksOf(bookingId);
		const task = found[0];
		return found.length === 1 && task.outbox.length === 0 && check(task) ? task : undefined;
	}, 15_000);

const eventsOf = (taskId: string, type: string, count = 1) =>
	eventually(async () => {
		const found = received.filter((e) => e.type === type && e.data.task_id === taskId);
		return found.length >= count ? found : undefined;
	});

const madrid = (date: string, time: string) => localInstant(date, time, "Europe/Madrid");
const patchBooking = (id: string, body: object) =>
	http.patch(`/v1/bookings/${id}`, { token: w.owner.token, body });

it("creates a confirmed reservation's cleaning task at checkout, for the cleaner", async () => {
	const booking = await createBooking(w, dateIn(20), dateIn(23));
	const task = await autoTask(booking.id);
	expect(task).toMatchObject({
		task_type: "cleaning",
		status: "pending",
		assigned_to: w.staff.id,
		auto_created: true,
		from: madrid(booking.to, "11:00"),
		to: madrid(booking.to, "15:00"),
	});
	const [created] = await eventsOf(task._id, "task.created");
	expect(created).toMatchObject({
		account_id: w.owner.accountId,
		property_id: w.propertyId,
		actor: { type: "system", id: null },
		data: {
			task_id: task._id,
			task_type: "cleaning",
			booking_id: booking.id,
			assigned_to: w.staff.id,
			from: madrid(booking.to, "11:00").toISOString(),
			to: madrid(booking.to, "15:00").toISOString(),
			auto_created: true,
		},
	});
	expect(Object.keys(created.data).sort()).toEqual([
		"assigned_to",
		"auto_created",
		"booking_id",
		"from",
		"task_id",
		"task_type",
		"to",
	]);

	// A late checkout that reaches the check-in time gets three hours.
	const late = await createBooking(w, dateIn(30), dateIn(31), { checkout_time: "16:00" });
	const lateTask = await autoTask(late.id);
	expect(lateTask.to.getTime() - lateTask.from.getTime()).toBe(3 * 3_600_000);
});

it("moves with the booking, unless pinned, and is cancelled with it", async () => {
	const booking = await createBooking(w, dateIn(60), dateIn(62));
	const task = await autoTask(booking.id);
	expect((await patchBooking(booking.id, { to: dateIn(63) })).status).toBe(200);
	const moved = await autoTask(
		booking.id,
		(t) => t.to.getTime() === madrid(dateIn(63), "15:00").getTime(),
	);
	expect(moved.from).toEqual(madrid(dateIn(63), "11:00"));
	const [updated] = await eventsOf(task._id, "task.updated");
	expect(updated.data).toEqual({
		task_id: task._id,
		changed_fields: ["from", "to"],
		previous: {
			assigned_to: w.staff.id,
			from: task.from.toISOString(),
			to: task.to.toISOString(),
			status: "pending",
		},
	});

	// The owner moves it by hand: booking changes no longer move it.
	const pinnedFrom = instantIn(64, 9);
	await http.patch(`/v1/tasks/${task._id}`, {
		token: w.owner.token,
		body: { from: pinnedFrom, to: instantIn(64, 12) },
	});
	await patchBooking(booking.id, { to: dateIn(64), checkout_time: "10:00" });
	await eventsOf(task._id, "task.updated", 2);
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	expect((await autoTask(booking.id)).from.toISOString()).toBe(pinnedFrom);

	await patchBooking(booking.id, { status: "cancelled" });
	const cancelled = await autoTask(booking.id, (t) => t.status === "cancelled");
	expect(cancelled.cancelled_at).not.toBeNull();
	const [event] = await eventsOf(task._id, "task.cancelled");
	expect(event.data).toEqual({ task_id: task._id, reason: "booking_cancelled" });
});

it("waits for confirmation and ignores blocks", async () => {
	const pending = await createBooking(w, dateIn(70), dateIn(72), { status: "pending" });
	const block = await createBooking(w, dateIn(73), dateIn(74), { type: "block" });
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	expect(await autoTasksOf(pending.id)).toHaveLength(0);
	expect(await autoTasksOf(block.id)).toHaveLength(0);
	await patchBooking(pending.id, { status: "confirmed" });
	await autoTask(pending.id);
});

it("creates one task however often the event arrives, and finishes a half-done one", async () => {
	const booking = await createBooking(w, dateIn(80), dateIn(82));
	const task = await autoTask(booking.id);
	const [original] = await eventually(async () => {
		const found = received.filter(
			(e) => e.type === "booking.created" && e.data.booking_id === booking.id,
		);
		return found.length > 0 ? found : undefined;
	});
	const bookings = stack.brokers.get("bookings") as any;
	const send = (event: DomainEvent) => bookings.sendToChannel("booking.created", event);
	// The same envelope twice (redelivery), and copies with new ids (duplicates).
	await send(original);
	await send(original);
	await send({ ...original, id: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" });
	await send({ ...original, id: "2c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" });
	await new Promise((resolve) => setTimeout(resolve, 2_000));
	expect(await autoTasksOf(booking.id)).toHaveLength(1);

	// A crash between the link and the task: the next delivery creates it, with the link's id.
	await model().deleteOne({ _id: task._id });
	await send({ ...original, id: "3c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" });
	const again = await autoTask(booking.id);
	expect(again._id).toBe(task._id);

	// Deleted by hand: detached, never recreated.
	expect((await http.delete(`/v1/tasks/${task._id}`, { token: w.owner.token })).status).toBe(204);
	await send({ ...original, id: "4c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" });
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	expect(await model().countDocuments({ booking_id: booking.id, deleted_at: null })).toBe(0);
});

it("cancels a task created from a stay that was cancelled while it was being created", async () => {
	const booking = await createBooking(w, dateIn(84), dateIn(86));
	const task = await autoTask(booking.id);
	const service = tasksService(stack);
	// The stay as booking.created's handler read it, before the cancellation below.
	const stale = await stack.gateway.call<BookingStay, object>("bookings.stayOf", {
		bookingId: booking.id,
	});
	await patchBooking(booking.id, { status: "cancelled" });
	await autoTask(booking.id, (t) => t.status === "cancelled");
	// Replay the interleaving: booking.cancelled found no task (none existed yet), then the
	// creating handler inserted one from its stale stay.
	await model().deleteOne({ _id: task._id });
	await service.models.AutoTaskLink.deleteOne({ _id: booking.id });
	const property = await propertyFact.call(service, null, w.propertyId);
	if (!property) throw new Error("the tasks service does not know the property");
	await ensureAutoTask.call(service, stale, property, null);
	const created = await autoTask(booking.id);
	expect(created).toMatchObject({ status: "cancelled", cancel_reason: "booking_cancelled" });
});

it("catches up after a restart of the tasks service, without duplicates", async () => {
	await stack.stopService("tasks");
	const first = await createBooking(w, dateIn(90), dateIn(92));
	const second = await createBooking(w, dateIn(93), dateIn(95));
	await stack.startService(tasks);
	await autoTask(first.id);
	await autoTask(second.id);
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	expect(await autoTasksOf(first.id)).toHaveLength(1);
	expect(await autoTasksOf(second.id)).toHaveLength(1);
});

it("moves pending auto tasks when the property's check-in time changes", async () => {
	const booking = await createBooking(w, dateIn(100), dateIn(102));
	const pinned = await createBooking(w, dateIn(103), dateIn(105));
	await autoTask(booking.id);
	const pinnedTask = await autoTask(pinned.id);
	const pinnedTo = instantIn(105, 16);
	const patched = await http.patch(`/v1/tasks/${pinnedTask._id}`, {
		token: w.owner.token,
		body: { to: pinnedTo },
	});
	expect([patched.status, patched.body.to]).toEqual([200, pinnedTo]);
	expect(await autoTask(pinned.id)).toMatchObject({ schedule_pinned: true });
	const res = await http.patch(`/v1/properties/${w.propertyId}`, {
		token: w.owner.token,
		body: { checkin_time: "17:00" },
	});
	expect(res.status).toBe(200);
	const target = madrid(dateIn(102), "17:00").getTime();
	await autoTask(booking.id, (t) => t.to.getTime() === target);
	expect((await autoTask(pinned.id)).to.toISOString()).toBe(pinnedTo);
});

it("reassigns a removed member's open tasks", async () => {
	const m = await addWorld(stack, http, "taskevents-crew");
	const cleaning = await createTask(m, { assigned_to: m.staff.id });
	const repair = await createTask(m, { task_type: "maintenance", assigned_to: m.contractor.id });
	const done = await createTask(m, { assigned_to: m.contractor.id });
	await http.post(`/v1/tasks/${done.id}/start`, { token: m.owner.token });
	await http.post(`/v1/tasks/${done.id}/complete`, { token: m.owner.token });

	const answer = await stack.gateway.call("tasks.reassignFromMember", {
		propertyId: m.propertyId,
		userId: m.contractor.id,
	});
	expect(answer).toEqual({ ids: [repair.id] });

	const remove = await http.delete(`/v1/properties/${m.propertyId}/crew/${m.staff.id}`, {
		token: m.owner.token,
	});
	expect(remove.status).toBe(204);
	await eventually(async () => {
		const task = await model().findById(cleaning.id).lean();
		return task.assigned_to === m.owner.id ? task : undefined;
	});
	const [event] = await eventsOf(cleaning.id, "task.updated");
	expect(event.data).toMatchObject({
		changed_fields: ["assigned_to"],
		previous: { assigned_to: m.staff.id },
	});
	expect((await model().findById(repair.id).lean()).assigned_to).toBeNull();
	expect((await model().findById(done.id).lean()).assigned_to).toBe(m.contractor.id);
});

it("cancels the pending tasks of a deleted property", async () => {
	const d = await addWorld(stack, http, "taskevents-delete");
	const pending = await createTask(d);
	const started = await createTask(d);
	await http.post(`/v1/tasks/${started.id}/start`, { token: d.owner.token });
	const res = await http.delete(`/v1/properties/${d.propertyId}?force=true`, {
		token: d.owner.token,
	});
	expect(res.status).toBe(204);
	const [event] = await eventsOf(pending.id, "task.cancelled");
	expect(event.data).toEqual({ task_id: pending.id, reason: "property_deleted" });
	expect((await model().findById(started.id).lean()).status).toBe("in_progress");
});

it("links a booking to its oldest live cleaning task, whatever the event order", async () => {
	const booking = await createBooking(w, dateIn(110), dateIn(112));
	const auto = await autoTask(booking.id);
	const linkOf = async () =>
		(await http.get(`/v1/bookings/${booking.id}`, { token: w.owner.token })).body
			.cleaning_task_id;
	const linked = (id: string | null) =>
		eventually(async () => ((await linkOf()) === id ? true : undefined));
	await linked(auto._id);

	const manual = await createTask(w, { booking_id: booking.id });
	await eventsOf(manual.id, "task.created");
	await linked(auto._id);
	const removed = await http.delete(`/v1/tasks/${auto._id}`, { token: w.owner.token });
	expect(removed.status).toBe(204);
	await linked(manual.id);

	// A task deleted at once: its task.deleted handled before its task.created (other stream).
	const bookingsService: any = stack.brokers.get("bookings")!.getLocalService("bookings");
	const ghost = randomUUID();
	const envelope = (type: string) => ({
		id: randomUUID(),
		type,
		occurred_at: "2020-01-01T00:00:00.000Z",
		data: { task_id: ghost, task_type: "cleaning", booking_id: booking.id },
	});
	await onTaskDeleted.call(bookingsService, envelope("task.deleted") as any);
	await onTaskCreated.call(bookingsService, envelope("task.created") as any);
	await onTaskCreated.call(bookingsService, envelope("task.created") as any);
	expect(await linkOf()).toBe(manual.id);

	await http.delete(`/v1/tasks/${manual.id}`, { token: w.owner.token });
	await linked(null);
});
