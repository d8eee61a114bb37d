/**
 * Properties through the gateway: creation with its defaults, the detail view, the list,
 * full and partial updates, deletion, and every validation rule of §11.0.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import type { Stack } from "../helpers/stack";
import {
	createProperty,
	GEO,
	join,
	propertyBody,
	registerUser,
	startPropertiesStack,
	type Http,
	type TestUser,
} from "./properties-fixtures";

let stack: Stack;
let http: Http;
let owner: TestUser;

beforeAll(async () => {
	({ stack, http } = await startPropertiesStack("properties"));
	owner = await registerUser(http, "prop-owner");
});
afterAll(() => stack?.stop());

const fieldsOf = (res: { body: any }) =>
	res.body.error.details.map((d: { field: string }) => d.field).sort();

describe("create", () => {
	it("creates a property owned by the caller, with the documented defaults", async () => {
		const res = await http.post("/v1/properties", {
			token: owner.token,
			body: {
				name: "  Casa Azul ",
				address: "Calle Mayor 12",
				city: "Madrid",
				zip_code: "28013",
				ses_establishment_code: "",
			},
		});
		expect(res.status).toBe(201);
		expect(res.headers.get("location")).toBe(`/v1/properties/${res.body.id}`);
		expect(res.body).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			account_id: owner.accountId,
			name: "Casa Azul",
			address: "Calle Mayor 12",
			city: "Madrid",
			zip_code: "28013",
			country: "Spain",
			country_id: GEO.spain.id,
			country_code: "ES",
			province_id: null,
			city_id: null,
			timezone: "Europe/Madrid",
			checkin_time: "15:00",
			checkout_time: "11:00",
			airbnb_ical_url: null,
			booking_ical_url: null,
			default_cleaner_id: owner.id,
			ses_establishment_code: null,
			ses_establishment_type: null,
			has_internet: null,
			rooms_count: null,
			access_code_buffer_before_minutes: 0,
			access_code_buffer_after_minutes: 0,
			cover_image_url: null,
			cover_image_urls: null,
			ical_export_url: null,
			role: "owner",
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
	});

	it("normalises alpha-3 country codes and puts the Canaries in their time zone", async () => {
		const canary = await createProperty(http, owner, {
			country_code: "esp",
			province_id: GEO.tenerife.id.toUpperCase(),
			city_id: GEO.laguna.id,
			zip_code: "38201",
		});
		expect(canary).toMatchObject({
			country_code: "ES",
			province_id: GEO.tenerife.id,
			timezone: "Atlantic/Canary",
		});
		const abroad = await createProperty(http, owner, {
			country_code: "PT",
			province_id: null,
			city_id: null,
			zip_code: "1100-148",
			timezone: "Europe/Lisbon",
		});
		expect(abroad).toMatchObject({
			country: "Portugal",
			country_code: "PT",
			zip_code: "1100-148",
		});
		const nowhere = await createProperty(http, owner, {
			country_code: null,
			province_id: null,
			city_id: null,
			zip_code: "X1",
		});
		expect(nowhere).toMatchObject({ country: null, country_id: null, country_code: null });
	});

	it.each([
		["name", { name: "" }],
		["name", { name: "x".repeat(101) }],
		["address", { address: undefined }],
		["city", { city: "x".repeat(101) }],
		["zip_code", { zip_code: "2801" }],
		["zip_code", { zip_code: "08013" }],
		["zip_code", { zip_code: "12345678901" }],
		["country_code", { country_code: "XX" }],
		["country_code", { country_code: "E1" }],
		["province_id", { country_code: "PT", city_id: null }],
		["province_id", { province_id: "99999999-9999-4999-8999-999999999999", city_id: null }],
		["city_id", { province_id: null }],
		["city_id", { city_id: GEO.laguna.id }],
		["timezone", { timezone: "Mars/Olympus" }],
		["timezone", { timezone: "not a zone" }],
		["checkin_time", { checkin_time: "24:00" }],
		["checkout_time", { checkout_time: "9:00" }],
		["airbnb_ical_url", { airbnb_ical_url: "http://www.airbnb.es/cal.ics" }],
		["airbnb_ical_url", { airbnb_ical_url: "https://127.0.0.1/cal.ics" }],
		["booking_ical_url", { booking_ical_url: "https://localhost/cal.ics" }],
		["booking_ical_url", { booking_ical_url: "https://10.1.2.3/cal.ics" }],
		["booking_ical_url", { booking_ical_url: "https://[::1]/cal.ics" }],
		["booking_ical_url", { booking_ical_url: `https://a.es/${"x".repeat(2040)}` }],
		["booking_ical_url", { booking_ical_url: "not a url" }],
		["default_cleaner_id", { default_cleaner_id: "99999999-9999-4999-8999-999999999999" }],
		["ses_establishment_code", { ses_establishment_code: "x".repeat(21) }],
		["ses_establishment_type", { ses_establishment_type: "x".repeat(51) }],
		["has_internet", { has_internet: "yes" }],
		["rooms_count", { rooms_count: 0 }],
		["rooms_count", { rooms_count: 101 }],
		["access_code_buffer_before_minutes", { access_code_buffer_before_minutes: 1441 }],
		["access_code_buffer_after_minutes", { access_code_buffer_after_minutes: -1 }],
	])("refuses an invalid %s with 422 VALIDATION_FAILED", async (field, overrides) => {
		const res = await http.post("/v1/properties", {
			token: owner.token,
			body: propertyBody(overrides),
		});
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("VALIDATION_FAILED");
		expect(fieldsOf(res)).toEqual([field]);
	});

	it("accepts the owner as default cleaner, and stores it as the default", async () => {
		const created = await createProperty(http, owner, { default_cleaner_id: owner.id });
		expect(created.default_cleaner_id).toBe(owner.id);
	});
});

describe("get and list", () => {
	it("returns the detail with team, calendars, smart locks and default cleaner", async () => {
		const created = await createProperty(http, owner, {
			booking_ical_url: "https://admin.booking.com/ical/1.ics",
		});
		const res = await http.get(`/v1/properties/${created.id.toUpperCase()}`, {
			token: owner.token,
		});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ ...created, updated_at: created.updated_at });
		expect(res.body.calendars).toEqual([
			expect.objectContaining({ source: "airbnb", status: "pending", events_count: null }),
			expect.objectContaining({
				source: "booking",
				url: "https://admin.booking.com/ical/1.ics",
				status: "pending",
				last_sync_at: null,
				last_success_at: null,
				last_error: null,
				consecutive_failures: 0,
			}),
		]);
		expect(res.body.smartlocks).toEqual([]);
		expect(res.body.team).toEqual([
			{
				user_id: owner.id,
				property_id: created.id,
				name: "prop-owner Test",
				email: owner.email,
				access_level: "owner",
				services: [],
				is_default_cleaner: true,
				joined_at: created.created_at,
			},
		]);
		expect(res.body.default_cleaner).toEqual({ user_id: owner.id, name: "prop-owner Test" });
	});

	it("answers 404 for an unknown or malformed id", async () => {
		const unknown = await http.get("/v1/properties/99999999-9999-4999-8999-999999999999", {
			token: owner.token,
		});
		expect(unknown.status).toBe(404);
		expect(unknown.body.error.code).toBe("NOT_FOUND");
		expect((await http.get("/v1/properties/nope", { token: owner.token })).status).toBe(404);
	});

	it("lists the caller's properties by name, paginated and searchable", async () => {
		const lister = await registerUser(http, "lister");
		const other = await registerUser(http, "lister-other");
		for (const name of ["Cortijo", "Ático Sol", "Bungalow"]) {
			await createProperty(http, lister, { name });
		}
		const shared = await createProperty(http, other, { name: "Zeta", address: "Calle Sol 1" });
		await join(http, other, shared.id, lister, "staff");

		const first = await http.get("/v1/properties?size=2", { token: lister.token });
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ page: 0, size: 2, total: 4 });
		expect(first.body.properties.map((p: any) => p.name)).toEqual(["Bungalow", "Cortijo"]);
		const second = await http.get("/v1/properties?size=2&page=1", { token: lister.token });
		expect(second.body.properties.map((p: any) => [p.name, p.role])).toEqual([
			["Zeta", "staff"],
			["Ático Sol", "owner"],
		]);
		const past = await http.get("/v1/properties?page=5", { token: lister.token });
		expect(past.body).toMatchObject({ properties: [], total: 4 });

		const search = await http.get("/v1/properties?query=SOL", { token: lister.token });
		expect(search.body.properties.map((p: any) => p.name).sort()).toEqual([
			"Zeta",
			"Ático Sol",
		]);
		expect(search.body.total).toBe(2);
	});

	it.each([["size=0"], ["size=101"], ["page=-1"], ["page=x"], [`query=${"q".repeat(101)}`]])(
		"refuses ?%s with 400 INVALID_PARAMETER",
		async (query) => {
			const res = await http.get(`/v1/properties?${query}`, { token: owner.token });
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("INVALID_PARAMETER");
		},
	);
});

describe("update", () => {
	it("PUT replaces every field; omitted ones revert to their default", async () => {
		const created = await createProperty(http, owner, {
			checkin_time: "16:00",
			access_code_buffer_before_minutes: 30,
		});
		const res = await http.put(`/v1/properties/${created.id}`, {
			token: owner.token,
			body: {
				name: "Casa Verde",
				address: "Calle Luna 3",
				city: "La Laguna",
				zip_code: "38201",
				province_id: GEO.tenerife.id,
				city_id: GEO.laguna.id,
			},
		});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			name: "Casa Verde",
			province_id: GEO.tenerife.id,
			timezone: "Atlantic/Canary",
			checkin_time: "15:00",
			airbnb_ical_url: null,
			ses_establishment_code: null,
			rooms_count: null,
			access_code_buffer_before_minutes: 0,
			role: "owner",
		});
		expect(res.body.updated_at > created.updated_at).toBe(true);
	});

	it("PATCH changes only the fields sent; null clears or restores the default", async () => {
		const created = await createProperty(http, owner, { checkin_time: "16:00" });
		const res = await http.patch(`/v1/properties/${created.id}`, {
			token: owner.token,
			headers: { "content-type": "application/merge-patch+json" },
			rawBody: JSON.stringify({ rooms_count: null, checkin_time: null, name: "Casa Nueva" }),
		});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			...created,
			name: "Casa Nueva",
			rooms_count: null,
			checkin_time: "15:00",
			updated_at: expect.any(String),
		});
	});

	it("PATCH refuses geo and iCal fields with 422 FIELD_NOT_MODIFIABLE", async () => {
		const created = await createProperty(http, owner);
		const res = await http.patch(`/v1/properties/${created.id}`, {
			token: owner.token,
			body: { name: "Fine", country_code: "ES", booking_ical_url: null },
		});
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("FIELD_NOT_MODIFIABLE");
		expect(fieldsOf(res)).toEqual(["booking_ical_url", "country_code"]);
	});

	it("PATCH checks the zip code against the stored province and refuses null names", async () => {
		const created = await createProperty(http, owner);
		const zip = await http.patch(`/v1/properties/${created.id}`, {
			token: owner.token,
			body: { zip_code: "08001" },
		});
		expect(zip.status).toBe(422);
		expect(fieldsOf(zip)).toEqual(["zip_code"]);
		const name = await http.patch(`/v1/properties/${created.id}`, {
			token: owner.token,
			body: { name: null },
		});
		expect(name.status).toBe(422);
		expect(fieldsOf(name)).toEqual(["name"]);
	});

	it("needs JSON: other content types get 415", async () => {
		const created = await createProperty(http, owner);
		const res = await http.put(`/v1/properties/${created.id}`, {
			token: owner.token,
			headers: { "content-type": "text/plain" },
			rawBody: "name=x",
		});
		expect(res.status).toBe(415);
	});
});

describe("delete", () => {
	it("deletes the property, which then disappears everywhere", async () => {
		const created = await createProperty(http, owner);
		const res = await http.delete(`/v1/properties/${created.id}`, { token: owner.token });
		expect(res.status).toBe(204);
		expect(res.text).toBe("");
		const path = `/v1/properties/${created.id}`;
		expect((await http.get(path, { token: owner.token })).status).toBe(404);
		expect((await http.delete(path, { token: owner.token })).status).toBe(404);
		const list = await http.get("/v1/properties?size=100", { token: owner.token });
		expect(list.body.properties.map((p: any) => p.id)).not.toContain(created.id);
	});

	it("accepts force, which changes nothing while no bookings service exists", async () => {
		const created = await createProperty(http, owner);
		const res = await http.delete(`/v1/properties/${created.id}?force=true`, {
			token: owner.token,
		});
		expect(res.status).toBe(204);
	});
});

describe("documentation", () => {
	it("documents every operation of the service in a valid OpenAPI document", async () => {
		const res = await http.get("/openapi.json");
		expect(res.status).toBe(200);
		await SwaggerParser.validate(structuredClone(res.body));
		const operations = Object.entries(res.body.paths as Record<string, object>).flatMap(
			([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
		);
		expect(operations).toEqual(
			expect.arrayContaining([
				"GET /v1/properties",
				"POST /v1/properties",
				"GET /v1/properties/{id}",
				"PUT /v1/properties/{id}",
				"PATCH /v1/properties/{id}",
				"DELETE /v1/properties/{id}",
				"POST /v1/properties/{id}/cover",
				"DELETE /v1/properties/{id}/cover",
				"GET /v1/media/covers/{key}/{width}.webp",
				"GET /v1/properties/{id}/invitations",
				"POST /v1/properties/{id}/invitations",
				"DELETE /v1/properties/{id}/invitations/{invitationId}",
				"POST /v1/invitations/{token}/accept",
				"GET /v1/properties/{id}/crew",
				"PATCH /v1/properties/{id}/crew/{userId}",
				"DELETE /v1/properties/{id}/crew/{userId}",
			]),
		);
		expect(JSON.stringify(res.body)).not.toMatch(/roleOf|accessibleProperties/);
		expect(Object.keys(res.body.components.schemas)).toEqual(
			expect.arrayContaining(["Property", "PropertyDetail", "PropertyMember"]),
		);
	});
});
