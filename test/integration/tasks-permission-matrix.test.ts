/**
 * The permission matrix of spec §18 for the tasks service (rows 44–52, X11, X12), through the
 * gateway: each row is one operation in one situation, each column a caller, each cell the
 * status or the task view (§14.0: full, crew, stripped) the spec prescribes. Errors are
 * checked by status and `error.code`. Every answer is kept, and at the end none may hold the
 * guest personal data of the booking the cleaning tasks point at (§1.5, §14.0).
 *
 * Callers: anonymous, an authenticated but unregistered JWT, a registered outsider with no
 * role, and the owner, a manager, a staff member and a contractor of the property. The staff
 * member also owns a property of their own, so that roles must be told apart per property.
 */
import type { HttpResponse } from "../helpers/http";
import { eventually } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";
import { createProperty } from "./properties-fixtures";
import {
	addWorld,
	createBooking,
	createTask,
	dateIn,
	instantIn,
	startTasksStack,
	taskBody,
	type TaskRole,
	type TaskWorld,
} from "./tasks-fixtures";

type Caller = "anon" | "unregistered" | "outsider" | TaskRole;
/** The sorted words of a space-separated list. */
const words = (list: string) => list.split(" ").sort();
const CALLERS = "anon unregistered outsider owner manager staff contractor".split(" ") as Caller[];
type View = "full" | "crew" | "stripped";
type Method = "get" | "post" | "patch" | "delete";

/** Columns in §18 order: Anon, No role, Owner, Manager, Staff, Contractor. */
function cells<T>(unregistered: T, ...values: T[]): Record<Caller, T> {
	const [anon, outsider, owner, manager, staff, contractor] = values;
	return { anon, unregistered, outsider, owner, manager, staff, contractor };
}
/** A protected operation: an unregistered JWT gets 403 USER_NOT_REGISTERED (§1.4). */
const protectedRow = <T>(...values: T[]) => cells<T | number>(403, ...values);

const GUEST = {
	guest_first_name: "Zoraida",
	guest_last_name: "Quintanilla",
	guest_email: "zoraida.q@example.es",
	guest_phone: "+34 611 222 333",
};
/** NextBookingContext of the booking below, seen from a cleaning task before it (§17.15). */
const HEADCOUNT = { adults_count: 2, children_count: 1, infants_count: 0, guests_number: 3 };
const NEXT = { from: dateIn(20), to: dateIn(23), checkin_time: "16:00", ...HEADCOUNT };
const TASK_KEYS = words(
	"access assigned_to assigned_to_name auto_created booking_id cancelled_at completed_at " +
		"created_at from id job_report next_booking notes property public_token started_at " +
		"status task_type to",
);
const PUBLIC_KEYS = words(
	"assigned_to_name can_complete can_start completed_at from id job_report next_booking " +
		"notes property started_at status task_type to",
);
const TOKEN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let w: TaskWorld;
/** The full view, as its owner reads it, of each task the read rows look at. */
const targets: Record<string, any> = {};
/** The guest personal data no task answer may carry: GUEST and the booking's check-in code. */
const secrets: string[] = Object.values(GUEST);
/** The text of every answer this suite received. */
const answers: string[] = [];
let unregistered: string;
/** A booking of another account's property. */
let foreignBookingId: string;
let sequence = 0;

beforeAll(async () => {
	const { stack, http } = await startTasksStack("tmx");
	w = await addWorld(stack, http, "tmx");
	unregistered = mintJwt({ sub: "tmx-never-registered" });
	const booking = await createBooking(w, NEXT.from, NEXT.to, { ...GUEST, checkin_time: "16:00" });
	secrets.push(booking.checkin_code);
	foreignBookingId = (
		await createBooking(await addWorld(stack, http, "tmx"), dateIn(20), dateIn(23))
	).id;
	const made: Record<string, Record<string, unknown>> = {
		staffTask: { assigned_to: w.staff.id, booking_id: booking.id },
		contractorTask: { task_type: "maintenance", assigned_to: w.contractor.id },
		openTask: { task_type: "gardening", assigned_to: null },
		cancelledTask: { task_type: "pool", assigned_to: null },
	};
	// One day apart from day 5 on, before the booking: `from` ascending is this order.
	for (const [i, [name, fields]] of Object.entries(made).entries()) {
		const [from, to] = [instantIn(5 + i, 9), instantIn(5 + i, 12)];
		const task = await createTask(w, { from, to, ...fields });
		if (name === "cancelledTask") {
			const cancel = await send("owner", "patch", `/v1/tasks/${task.id}`, {
				status: "cancelled",
			});
			if (cancel.status !== 200) throw new Error(`cancel: ${cancel.status} ${cancel.text}`);
		}
		targets[name] = (await send("owner", "get", `/v1/tasks/${task.id}`)).body;
	}
	// Roles are per property (§1.5): the staff member also owns a property of their own.
	const own = { ...w, propertyId: (await createProperty(w.http, w.staff)).id };
	const elsewhere = await createTask(own, { task_type: "gardening", assigned_to: null }, w.staff);
	targets.elsewhereTask = (await send("staff", "get", `/v1/tasks/${elsewhere.id}`)).body;
});
afterAll(() => w?.stack.stop());

function tokenOf(caller: Caller): string | undefined {
	if (caller === "anon") return undefined;
	return caller === "unregistered" ? unregistered : w[caller].token;
}

async function send(caller: Caller, method: Method, path: string, body?: unknown) {
	const res = await w.http[method](path, { token: tokenOf(caller), body });
	answers.push(res.text);
	return res;
}

/** The documented code of each refusal (§20). */
const CODES: Record<number, string> = {
	401: "UNAUTHENTICATED",
	403: "FORBIDDEN",
	404: "NOT_FOUND",
	422: "VALIDATION_FAILED",
};
const codeOf = (status: number, caller: Caller) =>
	status === 403 && caller === "unregistered" ? "USER_NOT_REGISTERED" : CODES[status];

/** Status and code, and for an error the rest of the envelope (§1.7) and the challenge (§1.4). */
function expectAnswer(res: HttpResponse, status: number, caller: Caller) {
	expect({ status: res.status, code: res.body?.error?.code }).toEqual({
		status,
		code: codeOf(status, caller),
	});
	if (status < 400) return;
	const requestId = res.headers.get("x-request-id");
	expect(res.body.error).toMatchObject({
		status,
		details: expect.any(Array),
		request_id: requestId,
	});
	if (status === 401) expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
}

const isCrew = (caller: Caller) => caller === "staff" || caller === "contractor";

/** TaskAccess (§17.15) as §14.0 and §18 rows 47–50 grant it to `caller` on `item`. */
function accessOf(caller: TaskRole, item: any) {
	// The one other property a caller reaches is the staff member's own.
	const role = item.property.id === w.propertyId ? caller : "owner";
	const mine = item.assigned_to === w[caller].id;
	const boss = role === "owner" || role === "manager";
	const actor = role === "owner" || mine;
	return {
		role,
		can_update: role === "owner",
		can_update_job_report: boss || mine,
		can_start: actor && item.status === "pending",
		can_complete: actor && item.status === "in_progress",
		can_delete: boss && ["pending", "cancelled"].includes(item.status),
	};
}

/** Asserts that `item` is `task` in `view` for `caller`: keys, owner-only fields, access. */
function checkView(item: any, view: View, caller: TaskRole, task: any) {
	expect(item?.id).toBe(task.id);
	if (view === "stripped") {
		const { id, from, to, property } = task;
		expect(Object.keys(item).sort()).toEqual(["from", "id", "property", "to"]);
		return expect(item).toEqual({ id, from, to, property });
	}
	expect(Object.keys(item).sort()).toEqual(TASK_KEYS);
	expect(Object.keys(item.property).sort()).toEqual(words("address city id name timezone"));
	for (const field of ["booking_id", "created_at", "cancelled_at"]) {
		expect({ [field]: item[field] }).toEqual({ [field]: view === "full" ? task[field] : null });
	}
	if (view === "full") expect(item.created_at).toEqual(expect.any(String));
	expect(item.public_token).toMatch(TOKEN);
	expect(item.public_token).toBe(task.public_token);
	expect(item.next_booking).toEqual(task.next_booking);
	expect(item.access).toEqual(accessOf(caller, item));
}

/** §14.3 / §18 row 46: which view of each target each caller gets. */
const viewRow = (...values: (View | number)[]) => protectedRow<View | number>(...values);
const GET_BY_ID: Record<string, Record<Caller, View | number>> = {
	staffTask: viewRow(401, 404, "full", "crew", "crew", "stripped"),
	contractorTask: viewRow(401, 404, "full", "crew", "stripped", "crew"),
	openTask: viewRow(401, 404, "full", "crew", "stripped", "stripped"),
	cancelledTask: viewRow(401, 404, "full", "crew", "stripped", "stripped"),
	elsewhereTask: viewRow(401, 404, 404, 404, "full", 404),
};

describe.each(Object.entries(GET_BY_ID))("GET /v1/tasks/{id} (%s)", (target, row) => {
	it.each(CALLERS)("%s", async (caller) => {
		const res = await send(caller, "get", `/v1/tasks/${targets[target].id}`);
		const cell = row[caller];
		expectAnswer(res, typeof cell === "number" ? cell : 200, caller);
		if (typeof cell !== "number")
			checkView(res.body, cell, caller as TaskRole, targets[target]);
	});
});

/** Ids that name no task: every operation on them answers 404 to everyone with an account. */
const MISSING = ["not-a-uuid", "6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b"].flatMap((id) =>
	["GET ", "PATCH ", "DELETE ", "POST /start", "POST /complete"].map((op) =>
		op.replace(" ", ` /v1/tasks/${id}`),
	),
);

describe.each(MISSING)("%s", (operation) => {
	it.each(CALLERS)("%s", async (caller) => {
		const [method, path] = operation.split(" ");
		const body = method === "PATCH" ? { job_report: "x" } : undefined;
		const res = await send(caller, method.toLowerCase() as Method, path, body);
		expectAnswer(res, protectedRow(401, 404, 404, 404, 404, 404)[caller], caller);
	});
});

type Seen = Partial<Record<string, View>> | "empty";
const LISTED = ["staffTask", "contractorTask", "openTask"];
const each = (view: View, names = LISTED) => Object.fromEntries(names.map((n) => [n, view]));
/** Staff on a property's list (§18 "T"): their own task in the crew view, others stripped. */
const staffSees = (names = LISTED) =>
	Object.fromEntries(
		names.map((n): [string, View] => [n, n === "staffTask" ? "crew" : "stripped"]),
	);
const ALL = [...LISTED, "cancelledTask"];
const CON = ["contractorTask"];

type Cell = Seen | number;
/** A list scoped to the property (§18 "C", "T", "A"), for which an outsider gets `outsider`. */
const scoped = (outsider: Cell, names = LISTED) =>
	protectedRow<Cell>(401, outsider, each("full", names), each("crew", names), staffSees(names), {
		contractorTask: "crew",
	});

/** §14.1, §14.8 / §18 rows 44, 51: which targets each caller's list holds, in which view. */
const LISTS: Record<string, Record<Caller, Cell>> = {
	// Without property_id, the staff member's own property shows too, in full.
	"/v1/tasks?size=100": protectedRow<Cell>(
		401,
		"empty",
		each("full"),
		each("crew"),
		{ staffTask: "crew", elsewhereTask: "full" },
		{ contractorTask: "crew" },
	),
	"/v1/tasks?size=100&property_id={property}": scoped("empty"),
	"/v1/tasks?size=100&include_cancelled=true&property_id={property}": scoped("empty", ALL),
	"/v1/tasks?size=100&assigned_to={contractor}&property_id={property}": scoped("empty", CON),
	"/v1/properties/{property}/tasks?size=100": scoped(404),
};

describe.each(Object.entries(LISTS))("GET %s", (path, row) => {
	it.each(CALLERS)("%s", async (caller) => {
		const query = path
			.replace("{property}", w.propertyId)
			.replace("{contractor}", w.contractor.id);
		const res = await send(caller, "get", query);
		const seen = row[caller];
		expectAnswer(res, typeof seen === "number" ? seen : 200, caller);
		if (typeof seen === "number") return;
		const items: any[] = res.body.tasks;
		expect(res.body).toMatchObject({ page: 0, size: 100, total: items.length });
		if (seen === "empty") return expect(items).toEqual([]);
		const role = caller as TaskRole;
		for (const [target, task] of Object.entries(targets)) {
			const item = items.find((t) => t.id === task.id);
			const view = seen[target];
			if (view) checkView(item, view, role, task);
			else expect({ target, listed: item !== undefined }).toEqual({ target, listed: false });
		}
		// The booking's automatic cleaning task, assigned to the owner, follows the same rules.
		const strips = role === "staff" && path.includes("{property}");
		for (const item of items.filter((t) => t.property.id === w.propertyId)) {
			const stripped = !("task_type" in item);
			if (!strips)
				expect({ id: item.id, stripped }).toEqual({ id: item.id, stripped: false });
			if (isCrew(role) && !stripped) expect(item.assigned_to).toBe(w[role].id);
		}
		const froms = items.map((t) => t.from);
		expect(froms).toEqual([...froms].sort());
	});
});

describe("next_booking (§14.0, §17.15)", () => {
	it("holds the next stay's dates and headcount on cleaning tasks, nothing elsewhere", () => {
		expect(targets.staffTask.next_booking).toEqual(NEXT);
		for (const name of ["contractorTask", "openTask", "cancelledTask"]) {
			expect({ name, next: targets[name].next_booking }).toEqual({ name, next: null });
		}
	});
});

interface WriteRow {
	/** Method and path; `{id}` and `{token}` are those of the row's task. */
	name: string;
	expect: Record<Caller, number>;
	/** A task the owner makes for each attempt, assigned to the caller or to another member. */
	task?: "own" | "other's" | "nobody's";
	started?: boolean;
	body?: () => unknown;
	/** What a successful answer shows changed, in the caller's view. */
	changes?: Record<string, unknown>;
	check?(body: any, caller: Caller, task: any): void | Promise<void>;
	/** The fields a 403 must name in `details` (§14.5). */
	named?: string[];
}

const member = (caller: Caller): TaskRole =>
	["owner", "manager", "staff", "contractor"].includes(caller) ? (caller as TaskRole) : "staff";
const other = (caller: Caller): TaskRole => (caller === "staff" ? "contractor" : "staff");

/** A cleaning task for the attempt (staff and contractor both clean), started if asked. */
async function freshTask(caller: Caller, row: WriteRow) {
	const assignee = row.task === "own" ? member(caller) : other(caller);
	const n = 40 + ++sequence;
	const fields =
		row.task === "nobody's"
			? { task_type: "gardening", assigned_to: null }
			: { assigned_to: w[assignee].id };
	const task = await createTask(w, { from: instantIn(n, 9), to: instantIn(n, 12), ...fields });
	if (!row.started) return task;
	const started = await w.http.post(`/v1/tasks/${task.id}/start`, { token: w.owner.token });
	if (started.status !== 200) throw new Error(`start: ${started.status} ${started.text}`);
	return started.body;
}

/** A changed task in the caller's view: full for the owner, crew for everyone else. */
function checkChanged(body: any, caller: Caller, task: any, changes: Record<string, unknown>) {
	const view = caller === "owner" ? "full" : "crew";
	const { public_token, next_booking } = task ?? body;
	checkView(body, view, caller as TaskRole, { ...body, public_token, next_booking });
	expect(body).toMatchObject(changes);
}

const newTask = (overrides: Record<string, unknown>) =>
	taskBody(w, { from: instantIn(30, 9), to: instantIn(30, 12), ...overrides });
const MOVE = () => ({ from: instantIn(60, 8), to: instantIn(60, 11), assigned_to: w.manager.id });

/** A row whose statuses are given in §18's column order: Anon, No role, Owner, Manager, … */
const op = (name: string, statuses: string, rest: Partial<WriteRow> = {}): WriteRow => ({
	name,
	expect: protectedRow(...statuses.split(" ").map(Number)),
	...rest,
});
const JOB = { job_report: "All clean" };

/** §14.2, §14.4–§14.7 / §18 rows 45, 47–50. */
const WRITES: WriteRow[] = [
	op("POST /v1/tasks (unassigned maintenance)", "401 404 201 201 403 403", {
		body: () => newTask({ task_type: "maintenance", assigned_to: null }),
		changes: { status: "pending", auto_created: false, assigned_to: null },
	}),
	op("POST /v1/tasks (contractor on maintenance)", "401 404 201 201 403 403", {
		body: () => newTask({ task_type: "maintenance", assigned_to: w.contractor.id }),
	}),
	// The assignment rule (§12): services must include the type; the assignee must be a member.
	op("POST /v1/tasks (contractor on pool)", "401 404 422 422 403 403", {
		body: () => newTask({ task_type: "pool", assigned_to: w.contractor.id }),
	}),
	op("POST /v1/tasks (staff on gardening)", "401 404 422 422 403 403", {
		body: () => newTask({ task_type: "gardening", assigned_to: w.staff.id }),
	}),
	op("POST /v1/tasks (the outsider as assignee)", "401 404 422 422 403 403", {
		body: () => newTask({ assigned_to: w.outsider.id }),
	}),
	op("POST /v1/tasks (another account's booking)", "401 404 422 422 403 403", {
		body: () => newTask({ booking_id: foreignBookingId }),
	}),
	op("DELETE /v1/tasks/{id} (own task)", "401 404 204 204 403 403", {
		task: "own",
		async check(_, __, task) {
			expectAnswer(await send("owner", "get", `/v1/tasks/${task.id}`), 404, "owner");
			const link = await send("anon", "get", `/v1/tasks/public/${task.public_token}`);
			expectAnswer(link, 404, "anon");
		},
	}),
	op("PATCH /v1/tasks/{id} (job_report, own task)", "401 404 200 200 200 200", {
		task: "own",
		body: () => JOB,
		changes: JOB,
	}),
	op("PATCH /v1/tasks/{id} (job_report, another's task)", "401 404 200 200 403 403", {
		task: "other's",
		body: () => JOB,
		changes: JOB,
	}),
	op("PATCH /v1/tasks/{id} (job_report, unassigned task)", "401 404 200 200 403 403", {
		task: "nobody's",
		body: () => JOB,
		changes: JOB,
	}),
	op("PATCH /v1/tasks/{id} (job_report, notes, status)", "401 404 200 403 403 403", {
		task: "own",
		body: () => ({ ...JOB, notes: "And the terrace", status: "cancelled" }),
		changes: {
			notes: "And the terrace",
			status: "cancelled",
			cancelled_at: expect.any(String),
		},
		named: ["notes", "status"],
	}),
	// "Sending any other field" (§14.5): an unchanged value is still a field sent.
	op("PATCH /v1/tasks/{id} (job_report, same notes)", "401 404 200 403 403 403", {
		task: "own",
		body: () => ({ ...JOB, notes: taskBody(w).notes }),
		changes: JOB,
		named: ["notes"],
	}),
	op("PATCH /v1/tasks/{id} (from, to, assigned_to)", "401 404 200 403 403 403", {
		task: "own",
		body: MOVE,
		check: (body, caller, task) => checkChanged(body, caller, task, MOVE()),
		named: ["assigned_to", "from", "to"],
	}),
	op("PATCH /v1/tasks/{id} (assigned_to the outsider)", "401 404 422 403 403 403", {
		task: "own",
		body: () => ({ assigned_to: w.outsider.id }),
		named: ["assigned_to"],
	}),
	op("POST /v1/tasks/{id}/start (own task)", "401 404 200 200 200 200", {
		task: "own",
		changes: { status: "in_progress", started_at: expect.any(String) },
	}),
	op("POST /v1/tasks/{id}/start (another's task)", "401 404 200 403 403 403", {
		task: "other's",
	}),
	op("POST /v1/tasks/{id}/start (unassigned task)", "401 404 200 403 403 403", {
		task: "nobody's",
	}),
	op("POST /v1/tasks/{id}/complete (own task)", "401 404 200 200 200 200", {
		task: "own",
		started: true,
		body: () => ({ job_report: "Done" }),
		changes: { status: "completed", job_report: "Done", completed_at: expect.any(String) },
	}),
	op("POST /v1/tasks/{id}/complete (another's task)", "401 404 200 403 403 403", {
		task: "other's",
		started: true,
	}),
];

/** Public operations (§14.9, §14.10, §18.2 rows 52, X11, X12): the token is the credential. */
const everyone = (status: number) => cells(status, status, status, status, status, status, status);
const PUBLIC: WriteRow[] = [
	{
		name: "GET /v1/tasks/public/{token} (a cleaning task with a next booking)",
		expect: everyone(200),
		check(body) {
			expect(Object.keys(body).sort()).toEqual(PUBLIC_KEYS);
			const property = words("address city cover_image_url name timezone zip_code");
			expect(Object.keys(body.property).sort()).toEqual(property);
			expect(body).toMatchObject({ id: targets.staffTask.id, next_booking: NEXT });
			// The first name only (§17.16): the fixtures register users with it as their subject.
			expect(body.assigned_to_name).toBe(w.staff.sub);
		},
	},
	{
		name: "GET /v1/tasks/public/{token-in-lower-case} (§1.3)",
		expect: everyone(200),
		check: (body) => expect(body.id).toBe(targets.staffTask.id),
	},
	{
		name: "POST /v1/tasks/public/{token}/start",
		expect: everyone(200),
		task: "other's",
		check: (body) => expect(body).toMatchObject({ status: "in_progress", can_complete: true }),
	},
	{
		name: "POST /v1/tasks/public/{token}/complete",
		expect: everyone(200),
		task: "other's",
		started: true,
		body: () => ({ job_report: "Done" }),
		check: (body) => expect(body).toMatchObject({ status: "completed", job_report: "Done" }),
	},
	{ name: "GET /v1/tasks/public/0000000000000000000000000Z (unknown)", expect: everyone(404) },
];

describe.each([...WRITES, ...PUBLIC])("$name", (row) => {
	it.each(CALLERS)("%s", async (caller) => {
		const task = row.task ? await freshTask(caller, row) : undefined;
		const [method, template] = row.name.split(" ");
		const { id, public_token } = task ?? targets.staffTask;
		const path = template
			.replace("{id}", id)
			.replace("{token}", public_token)
			.replace("{token-in-lower-case}", public_token.toLowerCase());
		const res = await send(caller, method.toLowerCase() as Method, path, row.body?.());
		expectAnswer(res, row.expect[caller], caller);
		if (res.status < 300 && row.changes) checkChanged(res.body, caller, task, row.changes);
		if (res.status < 300) await row.check?.(res.body, caller, task);
		if (res.status === 403 && row.named && caller !== "unregistered") {
			const fields = res.body.error.details.map((d: { field: string }) => d.field);
			expect(fields.sort()).toEqual(row.named);
		}
	});
});

describe("a staff member who left the property (§1.5, §12.4)", () => {
	it("reaches none of the tasks that were assigned to them, at once", async () => {
		const w2 = await addWorld(w.stack, w.http, "tmx");
		const task = await createTask(w2, { assigned_to: w2.staff.id });
		const as = (method: Method, path: string, body?: unknown) =>
			w2.http[method](path, { token: w2.staff.token, body });
		// Read first, so that any cached role would be stale afterwards.
		expectAnswer(await as("get", `/v1/tasks/${task.id}`), 200, "staff");
		const leave = await as("delete", `/v1/properties/${w2.propertyId}/crew/${w2.staff.id}`);
		expectAnswer(leave, 204, "staff");
		expectAnswer(await as("get", `/v1/tasks/${task.id}`), 404, "staff");
		expectAnswer(await as("patch", `/v1/tasks/${task.id}`, { job_report: "x" }), 404, "staff");
		expectAnswer(await as("post", `/v1/tasks/${task.id}/start`), 404, "staff");
		expectAnswer(await as("get", `/v1/properties/${w2.propertyId}/tasks`), 404, "staff");
		const listed = async () => (await as("get", "/v1/tasks")).body.tasks.length;
		await eventually(async () => ((await listed()) === 0 ? true : undefined));
	});
});

describe("guest personal data (§1.5, §14.0)", () => {
	it("appears in no task answer, for any caller", () => {
		expect(answers.some((text) => text.includes('"guests_number":3'))).toBe(true);
		expect(secrets).toEqual([...Object.values(GUEST), expect.stringMatching(TOKEN)]);
		for (const secret of secrets) {
			const leaks = answers.filter((text) => text.includes(secret));
			expect({ secret, leaks }).toEqual({ secret, leaks: [] });
		}
	});
});
