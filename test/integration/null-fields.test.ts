/**
 * `null` is a value, not an absence (§1.3, shared/validator.ts): a field takes it only where
 * the contract says the field is nullable. Anywhere else a `null` in a create or PATCH body
 * is a 422 naming the field, and nothing is stored; an omitted field is still just omitted.
 */
import { eventually } from "../helpers/stack";
import {
	buildTaskWorld,
	createBooking,
	createTask,
	dateIn,
	taskBody,
	type TaskWorld,
} from "./tasks-fixtures";

let w: TaskWorld;

beforeAll(async () => {
	w = await buildTaskWorld("nullfields");
});
afterAll(() => w?.stack.stop());

/** Requests as the owner of the world's property. */
const http = {
	get: (path: string) => w.http.get(path, { token: w.owner.token }),
	post: (path: string, body: object) => w.http.post(path, { token: w.owner.token, body }),
	patch: (path: string, body: object) => w.http.patch(path, { token: w.owner.token, body }),
};

const get = async (path: string) => (await http.get(path)).body;

/** Asserts a 422 VALIDATION_FAILED whose details name exactly `field`. */
function expectRefused(res: { status: number; body: any }, field: string) {
	expect(res.status).toBe(422);
	expect(res.body.error.code).toBe("VALIDATION_FAILED");
	expect(res.body.error.details).toEqual([{ field, message: expect.stringContaining(field) }]);
}

describe("bookings", () => {
	const NOT_NULLABLE = [
		"from",
		"to",
		"status",
		"channel",
		"adults_count",
		"children_count",
		"infants_count",
	];

	it.each(NOT_NULLABLE)("refuses a PATCH setting %s to null and keeps the booking", async (f) => {
		const day = 40 + 3 * NOT_NULLABLE.indexOf(f); // nights of its own
		const { id } = await createBooking(w, dateIn(day), dateIn(day + 2));
		// Settled: its automatic cleaning task has been linked.
		const before = await eventually(async () => {
			const booking = await get(`/v1/bookings/${id}`);
			return booking.cleaning_task_id ? booking : undefined;
		});
		const res = await http.patch(`/v1/bookings/${id}`, { [f]: null });
		expectRefused(res, f);
		expect(await get(`/v1/bookings/${id}`)).toEqual(before);
	});

	it.each(["children_count", "channel", "status"])(
		"refuses a create with %s null, naming the field",
		async (field) => {
			const res = await http.post(`/v1/properties/${w.propertyId}/bookings`, {
				from: dateIn(70),
				to: dateIn(72),
				[field]: null,
			});
			expectRefused(res, field);
			const list = await get(`/v1/properties/${w.propertyId}/bookings?from=${dateIn(70)}`);
			expect(list.bookings).toEqual([]);
		},
	);

	it("clears a nullable field with null", async () => {
		const booking = await createBooking(w, dateIn(80), dateIn(82), {
			notes: "Late arrival",
			payment_type: "card",
		});
		const res = await http.patch(`/v1/bookings/${booking.id}`, {
			notes: null,
			guest_email: null,
			payment_type: null,
		});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ notes: null, guest_email: null, payment_type: null });
	});
});

describe("tasks", () => {
	it.each(["from", "to", "status"])(
		"refuses a PATCH setting %s to null and keeps the task",
		async (field) => {
			const task = await createTask(w);
			const res = await http.patch(`/v1/tasks/${task.id}`, { [field]: null });
			expectRefused(res, field);
			expect(await get(`/v1/tasks/${task.id}`)).toEqual(task);
		},
	);

	it.each(["task_type", "from", "to", "property_id"])(
		"refuses a create with %s null",
		async (field) => {
			const res = await http.post("/v1/tasks", taskBody(w, { [field]: null }));
			expectRefused(res, field);
		},
	);

	it("takes null where the contract allows it", async () => {
		const task = await createTask(w, { booking_id: null, assigned_to: null, notes: null });
		expect(task).toMatchObject({ booking_id: null, assigned_to: null, notes: null });
		const res = await http.patch(`/v1/tasks/${task.id}`, {
			assigned_to: w.staff.id,
			notes: "Towels",
		});
		expect(res.status).toBe(200);
		const cleared = await http.patch(`/v1/tasks/${task.id}`, {
			assigned_to: null,
			notes: null,
		});
		expect(cleared.status).toBe(200);
		expect(cleared.body).toMatchObject({ assigned_to: null, notes: null });
	});
});

describe("properties", () => {
	it.each(["name", "address"])(
		"refuses a PATCH setting %s to null and keeps the property",
		async (field) => {
			const before = await get(`/v1/properties/${w.propertyId}`);
			const res = await http.patch(`/v1/properties/${w.propertyId}`, { [field]: null });
			expectRefused(res, field);
			expect(await get(`/v1/properties/${w.propertyId}`)).toEqual(before);
		},
	);
});
