/**
 * The public task link (§14.9, X11, X12): what it shows (and never shows), start and complete
 * by token with the `public_link` actor, its validity, the per-IP rate limit, and a wrong
 * token answering no faster than a right one.
 */
import { overrideEnv } from "../helpers/env";
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
	type TaskWorld,
} from "./tasks-fixtures";

const { service: listener, received } = eventRecorder("publiclistener", [
	"task.started",
	"task.completed",
]);

let stack: Stack;
let http: Http;
let w: TaskWorld;

beforeAll(async () => {
	({ stack, http } = await startTasksStack("taskpublic", [listener]));
	w = await addWorld(stack, http, "taskpublic");
});
afterAll(async () => {
	await stack?.stop();
	await cleanUp(stack.namespace, ["publiclistener"]);
});

const open = (token: string) => http.get(`/v1/tasks/public/${token}`);
const act = (token: string, action: string, body?: object) =>
	http.post(`/v1/tasks/public/${token}/${action}`, { body });

const PUBLIC_KEYS = [
	"assigned_to_name",
	"can_complete",
	"can_start",
	"completed_at",
	"from",
	"id",
	"job_report",
	"next_booking",
	"notes",
	"property",
	"started_at",
	"status",
	"task_type",
	"to",
];

it("shows what a cleaner needs and no guest data", async () => {
	const booking = await createBooking(w, dateIn(6), dateIn(9), {
		guest_first_name: "Secreta",
		guest_last_name: "Huésped",
		guest_email: "secreta@example.es",
		notes: "Private booking note",
	});
	const task = await createTask(w, {
		from: instantIn(5, 10),
		to: instantIn(5, 13),
		booking_id: booking.id,
		assigned_to: w.staff.id,
	});
	const res = await open(task.public_token);
	expect(res.status).toBe(200);
	expect(Object.keys(res.body).sort()).toEqual(PUBLIC_KEYS);
	expect(res.body).toMatchObject({
		id: task.id,
		task_type: "cleaning",
		status: "pending",
		notes: "Change all linen",
		// First name only.
		assigned_to_name: w.staff.sub,
		property: {
			name: "Casa Azul",
			address: "Calle Mayor 12, 2ºB",
			city: "Madrid",
			zip_code: "28013",
			timezone: "Europe/Madrid",
			cover_image_url: null,
		},
		next_booking: {
			from: booking.from,
			to: booking.to,
			checkin_time: "15:00",
			adults_count: 2,
			children_count: 1,
			infants_count: 0,
			guests_number: 3,
		},
		can_start: true,
		can_complete: false,
	});
	const text = res.text;
	for (const secret of [
		"Secreta",
		"Huésped",
		"secreta@",
		"Private booking",
		"600 000",
		booking.id,
	]) {
		expect(text).not.toContain(secret);
	}
	// Tokens are matched whatever their case.
	expect((await open(task.public_token.toLowerCase())).status).toBe(200);
});

it("starts and completes by token, recorded as the public link", async () => {
	const task = await createTask(w, { assigned_to: w.contractor.id });
	const early = await act(task.public_token, "complete");
	expect(early.status).toBe(409);
	expect(early.body.error.code).toBe("INVALID_STATE_TRANSITION");

	const started = await act(task.public_token, "start");
	expect(started.status).toBe(200);
	expect(started.body).toMatchObject({
		status: "in_progress",
		can_start: false,
		can_complete: true,
	});
	expect((await act(task.public_token, "start")).status).toBe(409);
	expect(
		(await act(task.public_token, "complete", { job_report: "z".repeat(10_001) })).status,
	).toBe(422);
	const done = await act(task.public_token, "complete", { job_report: "All clean" });
	expect(done.status).toBe(200);
	expect(done.body).toMatchObject({ status: "completed", job_report: "All clean" });

	const events = await eventually(async () => {
		const found = received.filter((e) => e.data.task_id === task.id);
		return found.length >= 2 ? found : undefined;
	});
	const byType = Object.fromEntries(events.map((e) => [e.type, e]));
	expect(byType["task.started"]).toMatchObject({
		actor: { type: "public_link", id: null },
		data: { task_id: task.id, via: "public_link", started_at: done.body.started_at },
	});
	expect(byType["task.completed"].data).toEqual({
		task_id: task.id,
		completed_at: done.body.completed_at,
		via: "public_link",
		has_job_report: true,
	});
	const owner = await http.get(`/v1/tasks/${task.id}`, { token: w.owner.token });
	expect(owner.body).toMatchObject({ status: "completed", job_report: "All clean" });
});

it("refuses start and complete for an account that turned link actions off", async () => {
	const other = await addWorld(stack, http, "taskpublic-off");
	const task = await createTask(other, { assigned_to: other.staff.id });
	const restoreEnv = overrideEnv({
		PUBLIC_TASK_ACTIONS_DISABLED_ACCOUNTS: other.owner.accountId.toUpperCase(),
	});
	try {
		const view = await open(task.public_token);
		expect(view.status).toBe(200);
		expect(view.body).toMatchObject({
			status: "pending",
			can_start: false,
			can_complete: false,
		});
		const refused = await act(task.public_token, "start");
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe("FORBIDDEN");
		expect((await act(task.public_token, "complete")).status).toBe(403);
		// Other accounts' links still work.
		const mine = await createTask(w, { assigned_to: w.staff.id });
		expect((await act(mine.public_token, "start")).status).toBe(200);
	} finally {
		restoreEnv();
	}
	const owner = await http.get(`/v1/tasks/${task.id}`, { token: other.owner.token });
	expect(owner.body.status).toBe("pending");
	expect((await act(task.public_token, "start")).status).toBe(200);
});

it("works until 14 days after the task's to, and never once deleted", async () => {
	const day = 86_400_000;
	const recent = await createTask(w, {
		from: new Date(Date.now() - 13 * day - 3_600_000).toISOString(),
		to: new Date(Date.now() - 13 * day).toISOString(),
	});
	const old = await createTask(w, {
		from: new Date(Date.now() - 15 * day - 3_600_000).toISOString(),
		to: new Date(Date.now() - 15 * day).toISOString(),
	});
	expect((await open(recent.public_token)).status).toBe(200);
	const expired = await open(old.public_token);
	expect(expired.status).toBe(404);
	expect(expired.body.error.code).toBe("NOT_FOUND");
	expect((await act(old.public_token, "start")).status).toBe(404);

	await http.delete(`/v1/tasks/${recent.id}`, { token: w.owner.token });
	expect((await open(recent.public_token)).status).toBe(404);
});

it("ends with the property's deletion, even for a task in progress", async () => {
	const other = await addWorld(stack, http, "taskpublic-gone");
	const task = await createTask(other, { assigned_to: other.staff.id });
	expect((await act(task.public_token, "start")).status).toBe(200);
	const gone = await http.delete(`/v1/properties/${other.propertyId}`, {
		token: other.owner.token,
	});
	expect(gone.status).toBe(204);
	const res = await open(task.public_token);
	expect(res.status).toBe(404);
	expect(res.body.error.code).toBe("NOT_FOUND");
	expect((await act(task.public_token, "complete")).status).toBe(404);
});

it("answers a wrong token no faster than a right one", async () => {
	const task = await createTask(w);
	const timed = async (token: string) => {
		const started = performance.now();
		const res = await open(token);
		return { status: res.status, ms: performance.now() - started };
	};
	// Default floor: PUBLIC_LINK_MIN_RESPONSE_MS = 200.
	for (const token of [task.public_token, "0".repeat(26), "not-a-token"]) {
		const { status, ms } = await timed(token);
		expect(status).toBe(token === task.public_token ? 200 : 404);
		expect(ms).toBeGreaterThanOrEqual(195);
	}
});

// Last: it spends this IP's bucket.
it("rate limits public links to 60 a minute per IP", async () => {
	const answers = await Promise.all(Array.from({ length: 61 }, () => open("0".repeat(26))));
	const limited = answers.filter((res) => res.status === 429);
	expect(limited.length).toBeGreaterThanOrEqual(1);
	expect(limited[0].body.error.code).toBe("RATE_LIMITED");
	expect(limited[0].headers.get("retry-after")).toMatch(/^\d+$/);
	expect(answers[0].headers.get("ratelimit-limit")).toBe("60");
	// Earlier requests of this file counted too: the 61 left at most 60 - earlier through.
	expect(answers.filter((res) => res.status === 404).length).toBeLessThanOrEqual(60);
});
