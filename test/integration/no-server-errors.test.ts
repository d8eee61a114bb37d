/**
 * Every bad input gets an answer in the error envelope, never a 5xx: each JSON body operation
 * of the OpenAPI document, from a body that succeeds, with one field at a time set to an odd
 * value, and each query parameter of each GET with odd values. What the answers must be is
 * the business of each operation's own tests; this one only holds the floor under all of
 * them (it found a PATCH that crashed on `"from": null`).
 */
import { request } from "../helpers/http";
import type { TaskWorld } from "./tasks-fixtures";
import { buildTaskWorld, createBooking, createTask, dateIn, instantIn } from "./tasks-fixtures";

const ODD_VALUES: unknown[] = [
	null,
	"",
	-1,
	1.5,
	true,
	[],
	{},
	{ $gt: "" },
	"x".repeat(6000),
	"2027-02-30",
	"9999-12-31T23:59:59Z",
	"00000000-0000-0000-0000-000000000000",
];
const ODD_QUERY = ["", "-1", "1.5", "x".repeat(3000), "2027-02-30", "{}", "me", "%00"];

interface Answer {
	method: string;
	path: string;
	sent: string;
	status: number;
	body: any;
}

let w: TaskWorld;
let ids: Record<string, string>;
let spec: any;
const answers: Answer[] = [];

beforeAll(async () => {
	w = await buildTaskWorld("noservererrors");
	const booking = await createBooking(w, dateIn(30), dateIn(33));
	const task = await createTask(w);
	ids = {
		property: w.propertyId,
		booking: booking.id,
		task: task.id,
		taskToken: task.public_token,
		member: w.staff.id,
	};
	spec = (await w.http.get("/openapi.json")).body;
}, 60_000);
afterAll(() => w?.stack.stop());

/** The path with its parameters filled from the world. */
function concrete(path: string): string {
	const id = path.startsWith("/v1/bookings/")
		? ids.booking
		: path.startsWith("/v1/tasks/")
			? ids.task
			: ids.property;
	return path
		.replace("/public/{token}", `/public/${ids.taskToken}`)
		.replace("{token}", "0".repeat(26))
		.replace("{userId}", ids.member)
		.replace("{id}", id);
}

/** A body that succeeds, for the operations that have one worth starting from. */
function validBody(method: string, path: string): Record<string, unknown> {
	const bodies: Record<string, Record<string, unknown>> = {
		"POST /v1/properties/{id}/bookings": { from: dateIn(60), to: dateIn(62), adults_count: 2 },
		"PATCH /v1/bookings/{id}": { notes: "Late arrival", adults_count: 3 },
		"POST /v1/tasks": {
			property_id: ids.property,
			task_type: "cleaning",
			from: instantIn(70, 10),
			to: instantIn(70, 12),
			notes: "Towels",
		},
		"PATCH /v1/tasks/{id}": { notes: "Windows too", assigned_to: ids.member },
		"PATCH /v1/properties/{id}": { name: "Casa Verde" },
		"PATCH /v1/properties/{id}/crew/{userId}": {
			access_level: "staff",
			services: ["cleaning"],
		},
		"POST /v1/properties/{id}/invitations": { accessLevel: "staff", maxUses: 2 },
		"POST /v1/account/tokens": { name: "fuzz" },
		"PUT /v1/account": { first_name: "Fuzz", locale: "es" },
	};
	return bodies[`${method.toUpperCase()} ${path}`] ?? {};
}

const schemaOf = (ref: any): any =>
	ref?.$ref ? schemaOf(spec.components.schemas[ref.$ref.split("/").pop()]) : ref;

async function send(method: string, path: string, body?: unknown) {
	const res = await request(w.stack.url, method.toUpperCase(), path, {
		token: w.owner.token,
		body,
	});
	const { status } = res;
	answers.push({
		method,
		path,
		sent: JSON.stringify(body ?? null).slice(0, 80),
		status,
		body: res.body,
	});
	// Keep the nights free for the next variation of a booking creation.
	if (res.status === 201 && path.endsWith("/bookings")) {
		await w.http.patch(`/v1/bookings/${res.body.id}`, {
			token: w.owner.token,
			body: { status: "cancelled" },
		});
	}
}

it("answers odd JSON bodies without a server error", async () => {
	for (const [path, operations] of Object.entries<any>(spec.paths)) {
		for (const [method, operation] of Object.entries<any>(operations)) {
			const json = operation.requestBody?.content?.["application/json"];
			if (!json || path === "/v1/auth/register") continue;
			const base = validBody(method, path);
			const fields = Object.keys(schemaOf(json.schema)?.properties ?? {});
			for (const field of [...fields, "unknown_field"]) {
				for (const value of ODD_VALUES) {
					await send(method, concrete(path), { ...base, [field]: value });
				}
			}
		}
	}
	expect(answers.length).toBeGreaterThan(500);
	expect(answers.filter((a) => a.status >= 500)).toEqual([]);
}, 240_000);

it("answers odd query parameters without a server error", async () => {
	const before = answers.length;
	for (const [path, operations] of Object.entries<any>(spec.paths)) {
		const get = operations.get;
		if (!get) continue;
		const names = (get.parameters ?? []).filter((p: any) => p.in === "query");
		for (const { name } of names) {
			for (const value of ODD_QUERY) {
				await send("get", `${concrete(path)}?${name}=${encodeURIComponent(value)}`);
			}
		}
	}
	const mine = answers.slice(before);
	expect(mine.length).toBeGreaterThan(100);
	expect(mine.filter((a) => a.status >= 500)).toEqual([]);
}, 240_000);

it("puts every refusal in the error envelope", () => {
	const refusals = answers.filter((a) => a.status >= 400);
	expect(refusals.length).toBeGreaterThan(0);
	const outside = refusals.filter(
		(a) => a.body?.error?.status !== a.status || typeof a.body?.error?.code !== "string",
	);
	expect(outside).toEqual([]);
});
