/**
 * Bookings through the gateway (§5): create, read, list, update, validation, and the
 * no-double-booking rule, including under 50 concurrent creates for the same nights.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import type { ServiceBroker } from "moleculer";
import accounts from "../../services/accounts/accounts.service";
import bookings from "../../services/bookings/bookings.service";
import properties from "../../services/properties/properties.service";
import { client } from "../helpers/http";
import { eventually, startStack, type Stack } from "../helpers/stack";
import {
	createProperty,
	registerUser,
	geoStub,
	type Http,
	type TestUser,
} from "./properties-fixtures";

let stack: Stack;
let http: Http;
let owner: TestUser;

beforeAll(async () => {
	stack = await startStack("bookings", [accounts, geoStub, properties, bookings]);
	http = client(stack.url);
	owner = await registerUser(http, "bookings-owner");
});
afterAll(() => stack?.stop());

const create = (propertyId: string, body: Record<string, unknown>, user = owner) =>
	http.post(`/v1/properties/${propertyId}/bookings`, { token: user.token, body });

const stay = (from: string, to: string, extra: Record<string, unknown> = {}) => ({
	from,
	to,
	guest_first_name: "Ana",
	guest_last_name: "Pérez",
	guest_email: "ana@example.es",
	adults_count: 2,
	...extra,
});

describe("create and read", () => {
	it("creates a reservation with defaults, a check-in code and a Location", async () => {
		const property = await createProperty(http, owner);
		const res = await create(property.id, stay("2030-07-01", "2030-07-04"));
		expect(res.status).toBe(201);
		expect(res.headers.get("location")).toBe(`/v1/bookings/${res.body.id}`);
		expect(res.body).toMatchObject({
			property_id: property.id,
			type: "reservation",
			status: "confirmed",
			channel: "direct",
			source: "manual",
			guests_number: 2,
			guest_last_name: "Pérez",
			has_conflict: false,
			cancelled_at: null,
			ses_communications: null,
		});
		expect(res.body.checkin_code).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

		const got = await http.get(`/v1/bookings/${res.body.id}`, { token: owner.token });
		expect(got.status).toBe(200);
		expect(got.body).toMatchObject({
			id: res.body.id,
			ses_communications: [],
			access_codes: [],
		});
	});

	it("stores blocks without guest data, counts or code", async () => {
		const property = await createProperty(http, owner);
		const res = await create(property.id, {
			...stay("2030-08-01", "2030-08-05"),
			type: "block",
		});
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			type: "block",
			guest_first_name: null,
			adults_count: 0,
			checkin_code: null,
		});
		// Blocks never conflict, with each other or with reservations.
		expect(
			(await create(property.id, { ...stay("2030-08-02", "2030-08-03"), type: "block" }))
				.status,
		).toBe(201);
		expect((await create(property.id, stay("2030-08-01", "2030-08-05"))).status).toBe(201);
	});

	it("answers 422 with field details for invalid bodies", async () => {
		const property = await createProperty(http, owner);
		const cases: [Record<string, unknown>, string][] = [
			[{ to: "2030-01-02" }, "from"],
			[stay("2030-02-30", "2030-03-02"), "from"],
			[stay("2030-01-05", "2030-01-05"), "to"],
			[stay("2030-01-01", "2031-01-02"), "to"],
			[stay("2030-01-01", "2030-01-02", { status: "cancelled" }), "status"],
			[stay("2030-01-01", "2030-01-02", { guest_email: "nope" }), "guest_email"],
			[stay("2030-01-01", "2030-01-02", { adults_count: 0 }), "adults_count"],
			[stay("2030-01-01", "2030-01-02", { arrival_time: "25:00" }), "arrival_time"],
			[stay("2030-01-01", "2030-01-02", { channel: "expedia" }), "channel"],
		];
		for (const [body, field] of cases) {
			const res = await create(property.id, body);
			expect([res.status, res.body.error.code]).toEqual([422, "VALIDATION_FAILED"]);
			expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
		}
	});

	it("lists with filters, sorting, pagination and an accent-free query", async () => {
		const property = await createProperty(http, owner);
		await create(property.id, stay("2030-03-10", "2030-03-12", { channel: "airbnb" }));
		await create(property.id, stay("2030-03-01", "2030-03-05", { guest_last_name: "Muñoz" }));
		await create(property.id, stay("2030-03-20", "2030-03-21", { notes: "Cuna" }));
		const list = (q: string) =>
			http.get(`/v1/properties/${property.id}/bookings?${q}`, { token: owner.token });

		const all = await list("");
		expect(all.body.bookings.map((b: any) => b.from)).toEqual([
			"2030-03-01",
			"2030-03-10",
			"2030-03-20",
		]);
		expect(all.body).toMatchObject({ page: 0, size: 20, total: 3 });
		const desc = await list("sortBy=CHECKOUT&sortDescending=true&size=2&page=0");
		expect(desc.body.bookings.map((b: any) => b.to)).toEqual(["2030-03-21", "2030-03-12"]);
		expect(desc.body.total).toBe(3);
		expect((await list("channel=airbnb")).body.total).toBe(1);
		expect((await list("from=2030-03-02&to=2030-03-15")).body.total).toBe(1);
		expect((await list("query=MUNOZ")).body.bookings[0].guest_last_name).toBe("Muñoz");
		expect((await list("query=cuna")).body.total).toBe(1);

		const bad = await list("size=0");
		expect([bad.status, bad.body.error.code]).toEqual([400, "INVALID_PARAMETER"]);
		const inverted = await list("from=2030-03-10&to=2030-03-01");
		expect([inverted.status, inverted.body.error.code]).toEqual([400, "INVALID_DATE_RANGE"]);
		const across = await http.get(`/v1/bookings?propertyId=${property.id}&size=1`, {
			token: owner.token,
		});
		expect(across.body).toMatchObject({ size: 1, total: 3 });
	});

	it("updates with merge-patch rules and state transitions", async () => {
		const property = await createProperty(http, owner);
		const booking = (
			await create(property.id, stay("2030-04-01", "2030-04-03", { status: "pending" }))
		).body;
		const patch = (body: Record<string, unknown>) =>
			http.patch(`/v1/bookings/${booking.id}`, { token: owner.token, body });

		const res = await patch({ status: "confirmed", notes: "VIP", guest_phone: null });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "confirmed", notes: "VIP", guest_phone: null });
		expect(res.body.checkin_code).toBe(booking.checkin_code);
		expect((await patch({ type: "block" })).body.error.code).toBe("FIELD_NOT_MODIFIABLE");
		expect((await patch({ status: "pending" })).body.error.code).toBe(
			"INVALID_STATE_TRANSITION",
		);
		expect((await patch({ to: "2030-03-30" })).status).toBe(422);
		expect((await patch({ status: "cancelled" })).body.status).toBe("cancelled");
		expect((await patch({ status: "confirmed" })).status).toBe(409);
		const missing = await http.patch("/v1/bookings/3f1c9b0e-0000-4000-8000-000000000000", {
			token: owner.token,
			body: { notes: "x" },
		});
		expect(missing.status).toBe(404);
	});
});

describe("no double booking", () => {
	// A second replica of the service: the gateway spreads the requests over both.
	let replica: ServiceBroker;
	beforeAll(async () => {
		const first = stack.brokers.get("bookings")!;
		replica = await stack.startService(bookings, "bookings-2");
		stack.brokers.set("bookings", first);
		await eventually(async () => {
			const list = stack.gateway.registry.getServiceList({ onlyAvailable: true });
			return list.filter((svc) => svc.name === "bookings").length === 2 || undefined;
		});
	});
	afterAll(() => replica?.stop());

	it("refuses overlaps but allows back-to-back stays", async () => {
		const property = await createProperty(http, owner);
		const first = await create(property.id, stay("2030-05-10", "2030-05-15"));
		expect(first.status).toBe(201);
		for (const [from, to] of [
			["2030-05-10", "2030-05-15"],
			["2030-05-08", "2030-05-11"],
			["2030-05-14", "2030-05-20"],
			["2030-05-11", "2030-05-12"],
		]) {
			const res = await create(property.id, stay(from, to));
			expect([res.status, res.body.error?.code]).toEqual([409, "BOOKING_OVERLAP"]);
			expect(res.body.error.details[0].message).toContain(first.body.id);
		}
		expect((await create(property.id, stay("2030-05-15", "2030-05-17"))).status).toBe(201);
		expect((await create(property.id, stay("2030-05-05", "2030-05-10"))).status).toBe(201);
		// Another property's nights are its own.
		const other = await createProperty(http, owner);
		expect((await create(other.id, stay("2030-05-10", "2030-05-15"))).status).toBe(201);
	});

	it("checks moved dates and frees nights on cancellation", async () => {
		const property = await createProperty(http, owner);
		const a = (await create(property.id, stay("2030-06-01", "2030-06-05"))).body;
		const b = (await create(property.id, stay("2030-06-10", "2030-06-12"))).body;
		const move = (id: string, body: Record<string, unknown>) =>
			http.patch(`/v1/bookings/${id}`, { token: owner.token, body });

		const into = await move(b.id, { from: "2030-06-04" });
		expect([into.status, into.body.error.code]).toEqual([409, "BOOKING_OVERLAP"]);
		expect((await move(b.id, { from: "2030-06-05", to: "2030-06-08" })).status).toBe(200);
		// The nights b left are free again; the ones it took are not.
		expect((await create(property.id, stay("2030-06-10", "2030-06-12"))).status).toBe(201);
		expect((await create(property.id, stay("2030-06-07", "2030-06-08"))).status).toBe(409);

		expect((await move(a.id, { status: "cancelled" })).status).toBe(200);
		expect((await create(property.id, stay("2030-06-01", "2030-06-05"))).status).toBe(201);
	});

	it("rejects a duplicate channel_id among active bookings", async () => {
		const property = await createProperty(http, owner);
		const ref = { channel: "airbnb", channel_id: "HMXYZ" };
		const first = await create(property.id, stay("2030-09-01", "2030-09-02", ref));
		expect(first.status).toBe(201);
		const dup = await create(property.id, stay("2030-09-05", "2030-09-06", ref));
		expect([dup.status, dup.body.error.code]).toEqual([409, "DUPLICATE_CHANNEL_ID"]);
		const other = { channel: "booking", channel_id: "HMXYZ" };
		expect((await create(property.id, stay("2030-09-05", "2030-09-06", other))).status).toBe(
			201,
		);
	});

	it.each([1, 2, 3])(
		"lets exactly one of 50 concurrent creates win (run %i)",
		async (run) => {
			const property = await createProperty(http, owner);
			// Three shifted stays of three nights, [10,13), [11,14), [12,15): all share the 12th.
			const day = (d: number) => `2031-0${run}-${d}`;
			const results = await Promise.all(
				Array.from({ length: 50 }, (_, i) =>
					create(property.id, stay(day(10 + (i % 3)), day(13 + (i % 3)))),
				),
			);
			const statuses = results.map((r) => r.status).sort();
			expect(statuses.filter((s) => s === 201)).toHaveLength(1);
			expect(
				results.filter((r) => r.status === 409 && r.body.error.code === "BOOKING_OVERLAP"),
			).toHaveLength(49);
			const list = await http.get(`/v1/properties/${property.id}/bookings`, {
				token: owner.token,
			});
			expect(list.body.total).toBe(1);
		},
		60_000,
	);

	it("lets exactly one of 20 concurrent moves onto the same nights win", async () => {
		const property = await createProperty(http, owner);
		// Twenty stays a week apart, then all moved at once onto 2031-08-01..04.
		const ids: string[] = [];
		for (let i = 0; i < 20; i++) {
			const from = new Date(Date.UTC(2031, 8, 1 + 7 * i)).toISOString().slice(0, 10);
			const to = new Date(Date.UTC(2031, 8, 3 + 7 * i)).toISOString().slice(0, 10);
			const res = await create(property.id, stay(from, to));
			expect(res.status).toBe(201);
			ids.push(res.body.id);
		}
		const results = await Promise.all(
			ids.map((id) =>
				http.patch(`/v1/bookings/${id}`, {
					token: owner.token,
					body: { from: "2031-08-01", to: "2031-08-04" },
				}),
			),
		);
		expect(results.filter((r) => r.status === 200)).toHaveLength(1);
		expect(
			results.filter((r) => r.status === 409 && r.body.error.code === "BOOKING_OVERLAP"),
		).toHaveLength(19);
		const list = await http.get(
			`/v1/properties/${property.id}/bookings?from=2031-08-01&to=2031-08-04`,
			{ token: owner.token },
		);
		expect(list.body.total).toBe(1);
		// The losers kept their own nights: creating on one of them still conflicts.
		const loser = ids.find((_, i) => results[i].status === 409)!;
		const kept = results.findIndex((r) => r.status === 409);
		const from = new Date(Date.UTC(2031, 8, 1 + 7 * kept)).toISOString().slice(0, 10);
		const to = new Date(Date.UTC(2031, 8, 3 + 7 * kept)).toISOString().slice(0, 10);
		const retake = await create(property.id, stay(from, to));
		expect(retake.status).toBe(409);
		expect(retake.body.error.details[0].message).toContain(loser);
	}, 60_000);
});

describe("gateway", () => {
	it("documents the booking operations in the OpenAPI document", async () => {
		const doc = (await http.get("/openapi.json")).body;
		await SwaggerParser.validate(structuredClone(doc));
		expect(Object.keys(doc.paths)).toEqual(
			expect.arrayContaining([
				"/v1/bookings",
				"/v1/bookings/{id}",
				"/v1/properties/{id}/bookings",
				"/v1/properties/{id}/bookings/current",
			]),
		);
		expect(doc.components.schemas.Booking.required).toContain("checkin_code");
	});
});
