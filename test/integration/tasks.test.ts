/**
 * Tasks through the gateway (§14.1–§14.8): creation and its validation, the views per role,
 * the list filters and pages, the PATCH rules and the state machine with every illegal
 * transition, start, complete and delete.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import type { Stack } from "../helpers/stack";
import { registerUser, type Http } from "./properties-fixtures";
import {
	addWorld,
	createBooking,
	createTask,
	dateIn,
	instantIn,
	startTasksStack,
	taskBody,
	type TaskWorld,
} from "./tasks-fixtures";

let stack: Stack;
let http: Http;
let w: TaskWorld;

beforeAll(async () => {
	({ stack, http } = await startTasksStack("tasks"));
	w = await addWorld(stack, http, "tasks");
});
afterAll(() => stack?.stop());

const get = (id: string, token = w.owner.token) => http.get(`/v1/tasks/${id}`, { token });
const patch = (id: string, body: object, token = w.owner.token) =>
	http.patch(`/v1/tasks/${id}`, { token, body });
const post = (id: string, action: string, token = w.owner.token, body?: object) =>
	http.post(`/v1/tasks/${id}/${action}`, { token, body });

describe("create", () => {
	it("creates a pending task in the caller's view, with defaults", async () => {
		const res = await http.post("/v1/tasks", { token: w.owner.token, body: taskBody(w) });
		expect(res.status).toBe(201);
		expect(res.headers.get("location")).toBe(`/v1/tasks/${res.body.id}`);
		expect(res.body).toMatchObject({
			property: { id: w.propertyId, name: "Casa Azul", city: "Madrid" },
			task_type: "cleaning",
			status: "pending",
			// No default cleaner set: the owner cleans.
			assigned_to: w.owner.id,
			assigned_to_name: expect.stringContaining("owner"),
			auto_created: false,
			booking_id: null,
			notes: "Change all linen",
			access: { role: "owner", can_update: true, can_start: true, can_delete: true },
		});
		expect(res.body.public_token).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
		expect(res.body.created_at).not.toBeNull();

		const other = await createTask(w, { task_type: "maintenance" });
		expect(other.assigned_to).toBeNull();
		const unassigned = await createTask(w, { assigned_to: null });
		expect(unassigned.assigned_to).toBeNull();
	});

	it("gives a manager the crew view and checks booking and assignee", async () => {
		const booking = await createBooking(w, dateIn(40), dateIn(43));
		const res = await http.post("/v1/tasks", {
			token: w.manager.token,
			body: taskBody(w, { booking_id: booking.id, assigned_to: w.staff.id }),
		});
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ booking_id: null, created_at: null, cancelled_at: null });
		expect((await get(res.body.id)).body.booking_id).toBe(booking.id);
	});

	it("answers 422 with field details for invalid bodies", async () => {
		const other = await addWorld(stack, http, "tasks-other");
		const foreign = await createBooking(other, dateIn(50), dateIn(52));
		const cases: [Record<string, unknown>, string][] = [
			[{ to: instantIn(3, 9) }, "to"],
			[{ to: instantIn(40, 9) }, "to"],
			[{ from: "2025-02-30T10:00:00Z" }, "from"],
			[{ from: "tomorrow" }, "from"],
			[{ task_type: "laundry" }, "task_type"],
			[{ booking_id: foreign.id }, "booking_id"],
			[{ assigned_to: w.outsider.id }, "assigned_to"],
			// The contractor covers cleaning and maintenance, not pool.
			[{ task_type: "pool", assigned_to: w.contractor.id }, "assigned_to"],
			[{ notes: "x".repeat(5001) }, "notes"],
		];
		for (const [overrides, field] of cases) {
			const res = await http.post("/v1/tasks", {
				token: w.owner.token,
				body: taskBody(w, overrides),
			});
			expect(res.status).toBe(422);
			expect(res.body.error.code).toBe("VALIDATION_FAILED");
			expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
		}
	});

	it("refuses crew (403) and strangers (404)", async () => {
		for (const [user, status] of [
			[w.staff, 403],
			[w.contractor, 403],
			[w.outsider, 404],
		] as const) {
			const res = await http.post("/v1/tasks", { token: user.token, body: taskBody(w) });
			expect(res.status).toBe(status);
		}
		const unknown = taskBody(w, { property_id: "7e6d5c4b-3a29-4180-b7f6-e5d4c3b2a190" });
		expect((await http.post("/v1/tasks", { token: w.owner.token, body: unknown })).status).toBe(
			404,
		);
		expect((await http.post("/v1/tasks", { body: taskBody(w) })).status).toBe(401);
	});
});

describe("get: views per role", () => {
	it("full, crew and stripped views, with next_booking for the cleaner", async () => {
		const booking = await createBooking(w, dateIn(10), dateIn(12), { adults_count: 3 });
		const task = await createTask(w, {
			from: instantIn(9, 10),
			to: instantIn(9, 13),
			assigned_to: w.staff.id,
		});
		const next = {
			from: booking.from,
			to: booking.to,
			checkin_time: "15:00",
			adults_count: 3,
			children_count: 1,
			infants_count: 0,
			guests_number: 4,
		};
		expect((await get(task.id)).body).toMatchObject({ next_booking: next });

		const manager = (await get(task.id, w.manager.token)).body;
		expect(manager).toMatchObject({ booking_id: null, created_at: null, next_booking: next });
		expect(manager.public_token).toBe(task.public_token);
		expect(manager.access).toMatchObject({ role: "manager", can_update: false });
		expect(manager.access).toMatchObject({ can_update_job_report: true, can_start: false });

		const staff = (await get(task.id, w.staff.token)).body;
		expect(staff).toMatchObject({ created_at: null, public_token: task.public_token });
		expect(staff.access).toMatchObject({ role: "staff", can_start: true, can_delete: false });
		expect(JSON.stringify(staff)).not.toMatch(/Ana|Pérez|ana@example/);

		const stripped = (await get(task.id, w.contractor.token)).body;
		expect(Object.keys(stripped).sort()).toEqual(["from", "id", "property", "to"]);
		expect(stripped.property).toEqual({
			id: w.propertyId,
			name: "Casa Azul",
			address: "Calle Mayor 12, 2ºB",
			city: "Madrid",
			timezone: "Europe/Madrid",
		});
		expect((await get(task.id, w.outsider.token)).status).toBe(404);
		expect((await get("7e6d5c4b-3a29-4180-b7f6-e5d4c3b2a190")).status).toBe(404);
		// A malformed id in the path is an unknown resource (§1.1).
		expect((await get("not-a-uuid")).status).toBe(404);
	});
});

describe("lists", () => {
	let l: TaskWorld;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		l = await addWorld(stack, http, "tasks-list");
		const make = async (name: string, day: number, extra: Record<string, unknown>) => {
			ids[name] = (
				await createTask(l, { from: instantIn(day, 8), to: instantIn(day, 9), ...extra })
			).id;
		};
		await make("staffClean", 2, { assigned_to: l.staff.id });
		await make("contractorFix", 3, { task_type: "maintenance", assigned_to: l.contractor.id });
		await make("ownerClean", 4, {});
		await make("pool", 5, { task_type: "pool", assigned_to: null });
		await make("cancelled", 6, {});
		await patch(ids.cancelled, { status: "cancelled" }, l.owner.token);
	});

	const list = (query: string, token = l.owner.token) =>
		http.get(`/v1/properties/${l.propertyId}/tasks${query}`, { token });
	const idsOf = (res: any) => res.body.tasks.map((t: any) => t.id);

	it("orders by from, leaves out cancelled unless asked, and pages", async () => {
		const all = await list("");
		expect(all.status).toBe(200);
		expect(idsOf(all)).toEqual([ids.staffClean, ids.contractorFix, ids.ownerClean, ids.pool]);
		expect(all.body).toMatchObject({ page: 0, size: 20, total: 4 });
		expect(idsOf(await list("?include_cancelled=true"))).toContain(ids.cancelled);
		expect(idsOf(await list("?status=cancelled"))).toEqual([ids.cancelled]);
		const second = await list("?size=2&page=1");
		expect(idsOf(second)).toEqual([ids.ownerClean, ids.pool]);
		expect(second.body).toMatchObject({ page: 1, size: 2, total: 4 });
		expect(idsOf(await list("?page=9"))).toEqual([]);
	});

	it("filters by type, status, assignee and local scheduled dates", async () => {
		expect(idsOf(await list("?task_type=maintenance"))).toEqual([ids.contractorFix]);
		expect(idsOf(await list("?status=pending&task_type=pool"))).toEqual([ids.pool]);
		expect(idsOf(await list(`?assigned_to=${l.staff.id}`))).toEqual([ids.staffClean]);
		expect(idsOf(await list("?assigned_to=me"))).toEqual([ids.ownerClean]);
		// 08:00Z is 09:00 or 10:00 in Madrid: the same local date.
		const dated = await list(`?scheduled_from=${dateIn(3)}&scheduled_to=${dateIn(4)}`);
		expect(idsOf(dated)).toEqual([ids.contractorFix, ids.ownerClean]);
		expect(idsOf(await list(`?scheduled_from=${dateIn(5)}`))).toEqual([ids.pool]);
	});

	it("answers 400 for bad query parameters", async () => {
		for (const query of ["?size=101", "?page=-1", "?status=done", "?assigned_to=you"]) {
			const res = await list(query);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("INVALID_PARAMETER");
		}
		const inverted = await list(`?scheduled_from=${dateIn(5)}&scheduled_to=${dateIn(4)}`);
		expect(inverted.status).toBe(400);
		expect(inverted.body.error.code).toBe("INVALID_DATE_RANGE");
	});

	it("shows staff everything (others stripped), contractors their own", async () => {
		const staff = await list("", l.staff.token);
		expect(idsOf(staff)).toHaveLength(4);
		const [own, ...others] = staff.body.tasks;
		expect(own.id).toBe(ids.staffClean);
		expect(own.access.role).toBe("staff");
		for (const task of others)
			expect(Object.keys(task).sort()).toEqual(["from", "id", "property", "to"]);
		expect(idsOf(await list("", l.contractor.token))).toEqual([ids.contractorFix]);
		const manager = await list("", l.manager.token);
		expect(manager.body.tasks.every((t: any) => t.created_at === null)).toBe(true);
		expect((await list("", l.outsider.token)).status).toBe(404);
	});

	it("GET /v1/tasks: managed and own tasks; property_id without a role: empty", async () => {
		const mine = await http.get("/v1/tasks", { token: l.staff.token });
		expect(idsOf(mine)).toEqual([ids.staffClean]);
		const scoped = await http.get(`/v1/tasks?property_id=${l.propertyId}`, {
			token: l.staff.token,
		});
		expect(idsOf(scoped)).toHaveLength(4);
		const stranger = await http.get(`/v1/tasks?property_id=${l.propertyId}`, {
			token: l.outsider.token,
		});
		expect(stranger.status).toBe(200);
		expect(stranger.body).toMatchObject({ tasks: [], total: 0 });
		const owner = await http.get("/v1/tasks?task_type=pool", { token: l.owner.token });
		expect(idsOf(owner)).toEqual([ids.pool]);
		expect((await http.get("/v1/tasks")).status).toBe(401);
	});
});

describe("PATCH", () => {
	it("lets the owner change every field", async () => {
		const task = await createTask(w, { assigned_to: null });
		const res = await patch(task.id, {
			notes: "Windows too",
			assigned_to: w.contractor.id,
			from: instantIn(4, 9),
			to: instantIn(4, 12),
			job_report: "ok",
		});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			notes: "Windows too",
			assigned_to: w.contractor.id,
			from: instantIn(4, 9),
			job_report: "ok",
		});
		const bad = await patch(task.id, { assigned_to: w.outsider.id });
		expect(bad.status).toBe(422);
		expect((await patch(task.id, { to: instantIn(4, 8) })).status).toBe(422);
	});

	it("lets a manager or the assignee change job_report only", async () => {
		const task = await createTask(w, { assigned_to: w.staff.id });
		expect((await patch(task.id, { job_report: "m" }, w.manager.token)).status).toBe(200);
		const staff = await patch(task.id, { job_report: "s" }, w.staff.token);
		expect(staff.status).toBe(200);
		expect(staff.body.job_report).toBe("s");

		const refused = await patch(
			task.id,
			{ job_report: "x", notes: "n", status: "cancelled" },
			w.manager.token,
		);
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe("FORBIDDEN");
		expect(refused.body.error.details.map((d: any) => d.field).sort()).toEqual([
			"notes",
			"status",
		]);
		expect((await patch(task.id, { notes: "n" }, w.staff.token)).status).toBe(403);
		expect((await patch(task.id, { job_report: "c" }, w.contractor.token)).status).toBe(403);
		expect((await patch(task.id, { job_report: "o" }, w.outsider.token)).status).toBe(404);
	});

	it("follows the state machine, restoring a cancelled task to pending", async () => {
		const task = await createTask(w);
		const status = async (to: string) => patch(task.id, { status: to });
		const illegal = async (to: string) => {
			const res = await status(to);
			expect(res.status).toBe(409);
			expect(res.body.error.code).toBe("INVALID_STATE_TRANSITION");
		};
		await illegal("completed");
		const cancelled = await status("cancelled");
		expect(cancelled.body.cancelled_at).not.toBeNull();
		await illegal("in_progress");
		await illegal("completed");
		const restored = await status("pending");
		expect(restored.body).toMatchObject({ status: "pending", cancelled_at: null });
		const started = await status("in_progress");
		expect(started.body.started_at).not.toBeNull();
		await illegal("pending");
		const done = await status("completed");
		expect(done.body.completed_at).not.toBeNull();
		for (const to of ["pending", "in_progress", "cancelled"]) await illegal(to);
		// Setting the current status again changes nothing.
		expect((await status("completed")).status).toBe(200);

		const other = await createTask(w);
		await patch(other.id, { status: "in_progress" });
		expect((await patch(other.id, { status: "cancelled" })).status).toBe(200);
	});
});

describe("start, complete, delete", () => {
	it("lets the assignee or the owner start and complete, once", async () => {
		const task = await createTask(w, { assigned_to: w.contractor.id });
		for (const user of [w.staff, w.manager]) {
			expect((await post(task.id, "start", user.token)).status).toBe(403);
		}
		expect((await post(task.id, "start", w.outsider.token)).status).toBe(404);
		const early = await post(task.id, "complete", w.contractor.token);
		expect(early.status).toBe(409);
		expect(early.body.error.code).toBe("INVALID_STATE_TRANSITION");

		const started = await post(task.id, "start", w.contractor.token);
		expect(started.status).toBe(200);
		expect(started.body).toMatchObject({
			status: "in_progress",
			access: { can_complete: true },
		});
		expect((await post(task.id, "start", w.contractor.token)).status).toBe(409);

		const long = await post(task.id, "complete", w.contractor.token, {
			job_report: "y".repeat(10_001),
		});
		expect(long.status).toBe(422);
		const done = await post(task.id, "complete", w.contractor.token, { job_report: "Done" });
		expect(done.status).toBe(200);
		expect(done.body).toMatchObject({ status: "completed", job_report: "Done" });
		expect((await post(task.id, "complete")).status).toBe(409);

		const owners = await createTask(w, { assigned_to: w.staff.id });
		expect((await post(owners.id, "start")).status).toBe(200);
		expect((await post(owners.id, "complete")).body.job_report).toBeNull();
	});

	it("lets an assignee who lost their role finish the task, and no one else", async () => {
		const task = await createTask(w, { assigned_to: w.staff.id, notes: "Keys in the box" });
		// As between a member's removal and the reassignment of their tasks.
		const { Task } = stack.brokers.get("tasks")!.getLocalService("tasks")!.models as any;
		await Task.updateOne({ _id: task.id }, { $set: { assigned_to: w.outsider.id } });

		const seen = await get(task.id, w.outsider.token);
		expect(seen.status).toBe(200);
		expect(seen.body).toMatchObject({
			id: task.id,
			notes: "Keys in the box",
			booking_id: null,
		});
		const refused = await patch(task.id, { notes: "Changed" }, w.outsider.token);
		expect([refused.status, refused.body.error?.code]).toEqual([403, "FORBIDDEN"]);
		expect((await post(task.id, "start", w.outsider.token)).status).toBe(200);
		const done = await post(task.id, "complete", w.outsider.token, { job_report: "Done" });
		expect(done.body).toMatchObject({ status: "completed", job_report: "Done" });

		// The rule is about the assignee only: another user without a role learns nothing.
		const stranger = await registerUser(http, "tasks-stranger");
		expect((await get(task.id, stranger.token)).status).toBe(404);
		expect((await post(task.id, "start", stranger.token)).status).toBe(404);
	});

	it("deletes pending or cancelled tasks only, for owners and managers", async () => {
		const task = await createTask(w, { assigned_to: w.staff.id });
		expect((await http.delete(`/v1/tasks/${task.id}`, { token: w.staff.token })).status).toBe(
			403,
		);
		await post(task.id, "start");
		const busy = await http.delete(`/v1/tasks/${task.id}`, { token: w.owner.token });
		expect(busy.status).toBe(409);
		expect(busy.body.error.code).toBe("TASK_NOT_DELETABLE");

		const pending = await createTask(w);
		const res = await http.delete(`/v1/tasks/${pending.id}`, { token: w.manager.token });
		expect(res.status).toBe(204);
		expect((await get(pending.id)).status).toBe(404);
		expect((await http.get(`/v1/tasks/public/${pending.public_token}`)).status).toBe(404);
		expect(
			(await http.delete(`/v1/tasks/${pending.id}`, { token: w.owner.token })).status,
		).toBe(404);

		const cancelled = await createTask(w);
		await patch(cancelled.id, { status: "cancelled" });
		expect(
			(await http.delete(`/v1/tasks/${cancelled.id}`, { token: w.owner.token })).status,
		).toBe(204);
	});
});

it("documents the task operations in a valid OpenAPI document", async () => {
	const res = await http.get("/openapi.json");
	expect(res.status).toBe(200);
	const doc = res.body;
	await SwaggerParser.validate(structuredClone(doc));
	expect(Object.keys(doc.paths)).toEqual(
		expect.arrayContaining([
			"/v1/tasks",
			"/v1/tasks/{id}",
			"/v1/tasks/{id}/start",
			"/v1/tasks/{id}/complete",
			"/v1/properties/{id}/tasks",
			"/v1/tasks/public/{token}",
			"/v1/tasks/public/{token}/start",
			"/v1/tasks/public/{token}/complete",
		]),
	);
	const schemas = doc.components.schemas;
	for (const name of ["Task", "TaskStripped", "TaskItem", "PublicTask", "NextBookingContext"]) {
		expect(schemas[name]).toBeDefined();
	}
	expect(schemas.TaskStripped.required.sort()).toEqual(["from", "id", "property", "to"]);
	const publicGet = doc.paths["/v1/tasks/public/{token}"].get;
	expect(publicGet.security ?? []).toEqual([]);
	expect(Object.keys(publicGet.responses)).toContain("429");
	const list = doc.paths["/v1/tasks"].get.parameters.map((p: { name: string }) => p.name);
	expect(list).toEqual(
		expect.arrayContaining([
			"property_id",
			"assigned_to",
			"scheduled_from",
			"include_cancelled",
		]),
	);
});
