/**
 * The gateway's HTTP contract: routing and method errors, the error envelope, body rules,
 * request ids, infrastructure endpoints, rate limits, idempotency and timeouts.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import type { ServiceSchema } from "moleculer";
import accounts from "../../services/accounts/accounts.service";
import bookings from "../../services/bookings/bookings.service";
import geo from "../../services/geo/geo.service";
import properties from "../../services/properties/properties.service";
import tasks from "../../services/tasks/tasks.service";
import { client } from "../helpers/http";
import { eventually, startStack, type Stack } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";

/** A test-only service exercising failure paths no real operation should have. */
const probe: ServiceSchema = {
	name: "probe",
	settings: { rest: "/" },
	actions: {
		slow: {
			rest: "GET /probe/slow",
			auth: "public",
			timeout: 300,
			handler: () =>
				new Promise((resolve) => setTimeout(() => resolve({ late: true }), 1500)),
		},
		crash: {
			rest: "GET /probe/crash",
			auth: "public",
			handler() {
				throw new Error("connection string mongodb://secret@db leaked");
			},
		},
	},
};

let stack: Stack;
let http: ReturnType<typeof client>;
let token: string;

beforeAll(async () => {
	stack = await startStack("gateway", [accounts, geo, properties, bookings, tasks, probe]);
	http = client(stack.url);
	token = mintJwt({ sub: "gateway-user" });
	expect((await http.post("/v1/auth/register", { token })).status).toBe(201);
});
afterAll(() => stack?.stop());

describe("routing", () => {
	it("serves every operation under /v1 and at its unprefixed path", async () => {
		const prefixed = await http.get("/v1/account", { token });
		const bare = await http.get("/account", { token });
		expect(prefixed.status).toBe(200);
		expect(bare.body).toEqual(prefixed.body);
	});

	it("answers an unknown path with 404 ROUTE_NOT_FOUND in the envelope", async () => {
		const res = await http.get("/v1/nothing-here", { token });
		expect(res.status).toBe(404);
		expect(res.body.error).toMatchObject({ code: "ROUTE_NOT_FOUND", status: 404, details: [] });
	});

	it("answers a wrong method with 405 and Allow", async () => {
		const res = await http.delete("/v1/account", { token });
		expect(res.status).toBe(405);
		expect(res.body.error.code).toBe("METHOD_NOT_ALLOWED");
		expect(res.headers.get("allow")).toBe("GET, PUT");
	});

	it("treats a malformed id in the path as an unknown resource", async () => {
		const res = await http.delete("/v1/account/tokens/not-a-uuid", { token });
		expect(res.status).toBe(404);
		expect(res.body.error.code).toBe("NOT_FOUND");
	});

	it("does not expose moleculer-web's internal actions", async () => {
		expect((await http.get("/v1/api/list-aliases", { token })).status).toBe(404);
		expect((await http.get("/api/list-aliases")).status).toBe(404);
	});
});

describe("bodies", () => {
	it("rejects malformed JSON with 400 MALFORMED_JSON", async () => {
		const res = await http.put("/v1/account", {
			token,
			rawBody: '{"first_name": ',
			headers: { "content-type": "application/json" },
		});
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe("MALFORMED_JSON");
	});

	it("rejects a JSON array where an object is required", async () => {
		const res = await http.put("/v1/account", { token, body: [1, 2] });
		expect(res.body.error.code).toBe("MALFORMED_JSON");
	});

	it("rejects another content type with 415", async () => {
		const res = await http.put("/v1/account", {
			token,
			rawBody: "first_name=x",
			headers: { "content-type": "application/x-www-form-urlencoded" },
		});
		expect(res.status).toBe(415);
		expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
	});

	it("rejects a body over 1 MiB with 413", async () => {
		const res = await http.put("/v1/account", {
			token,
			body: { first_name: "x", locale: "es", padding: "x".repeat(1024 * 1024) },
		});
		expect(res.status).toBe(413);
		expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
	});

	it("reports every invalid field with 422 and field-level details", async () => {
		const res = await http.put("/v1/account", {
			token,
			body: { first_name: "  ", locale: "fr", phone: "call me" },
		});
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("VALIDATION_FAILED");
		const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
		expect(fields).toEqual(["first_name", "locale", "phone"]);
	});

	it("reports a bad query parameter as 400 INVALID_PARAMETER", async () => {
		const admin = mintJwt({ sub: "platform-admin" });
		await http.post("/v1/auth/register", { token: admin });
		const res = await http.get("/v1/users?size=1000", { token: admin });
		expect(res.status).toBe(400);
		expect(res.body.error).toMatchObject({ code: "INVALID_PARAMETER" });
		expect(res.body.error.details[0].field).toBe("size");
	});
});

describe("failures inside services", () => {
	it("maps an internal timeout to 504 GATEWAY_TIMEOUT", async () => {
		const res = await http.get("/v1/probe/slow");
		expect(res.status).toBe(504);
		expect(res.body.error.code).toBe("GATEWAY_TIMEOUT");
	});

	it("answers an unexpected error with a bare 500 that reveals nothing", async () => {
		const res = await http.get("/v1/probe/crash");
		expect(res.status).toBe(500);
		expect(res.body.error.code).toBe("INTERNAL_ERROR");
		expect(res.text).not.toMatch(/mongodb|secret|stack|at /);
	});
});

describe("request ids and headers", () => {
	it("keeps a well-formed client request id and echoes it in errors", async () => {
		const res = await http.get("/v1/nothing", { headers: { "x-request-id": "client-req.42" } });
		expect(res.headers.get("x-request-id")).toBe("client-req.42");
		expect(res.body.error.request_id).toBe("client-req.42");
	});

	it("replaces a malformed client request id with a generated ULID", async () => {
		const res = await http.get("/health", {
			headers: { "x-request-id": "bad id with spaces" },
		});
		expect(res.headers.get("x-request-id")).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
	});

	it("marks authenticated answers private and sets security headers", async () => {
		const res = await http.get("/v1/account", { token });
		expect(res.headers.get("cache-control")).toBe("private, no-store");
		expect(res.headers.get("x-content-type-options")).toBe("nosniff");
		expect(res.headers.get("x-frame-options")).toBe("DENY");
	});
});

describe("infrastructure endpoints", () => {
	it("reports liveness and readiness", async () => {
		expect((await http.get("/health")).body).toEqual({ status: "ok" });
		const ready = await http.get("/ready");
		expect(ready.status).toBe(200);
		expect(ready.body).toEqual({
			status: "ready",
			checks: { nats: "ok", redis: "ok", services: "ok" },
		});
	});

	it("reports not ready while a required service is down, and ready again after", async () => {
		await stack.stopService("accounts");
		const down = await http.get("/ready");
		expect(down.status).toBe(503);
		expect(down.body).toMatchObject({ status: "unavailable", checks: { services: "down" } });
		await stack.startService(accounts);
		await stack.gateway.waitForServices(["accounts"]);
		expect((await http.get("/ready")).status).toBe(200);
		// The gateway rebuilds its routes shortly after the registry changes.
		await eventually(async () =>
			(await http.get("/v1/account", { token })).status === 200 ? true : undefined,
		);
	});

	it("serves Prometheus metrics", async () => {
		const res = await http.get("/metrics");
		expect(res.status).toBe(200);
		expect(res.text).toMatch(/moleculer_request_total/);
	});

	it("serves a valid OpenAPI 3 document listing the /v1 operations only", async () => {
		const res = await http.get("/openapi.json");
		expect(res.status).toBe(200);
		expect(res.headers.get("etag")).toBeTruthy();
		const doc = res.body;
		await SwaggerParser.validate(structuredClone(doc));
		expect(Object.keys(doc.paths)).toEqual(
			expect.arrayContaining(["/v1/account", "/v1/account/tokens/{id}", "/v1/users"]),
		);
		expect(Object.keys(doc.paths).every((p: string) => p.startsWith("/v1/"))).toBe(true);
		const put = doc.paths["/v1/account"].put;
		expect(put.requestBody.content["application/json"].schema.required).toEqual(
			expect.arrayContaining(["first_name", "locale"]),
		);
		expect(doc.paths["/v1/users"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
			expect.arrayContaining(["page", "size", "query"]),
		);
		const yaml = await http.get("/openapi.yaml");
		expect(yaml.headers.get("content-type")).toMatch(/application\/yaml/);
		expect(yaml.text).toMatch(/^openapi: 3\.0\.3/);
	});

	it("renders the docs page from local assets", async () => {
		const page = await http.get("/docs");
		expect(page.headers.get("content-type")).toMatch(/text\/html/);
		const scripts = [...page.text.matchAll(/src="([^"]+)"/g)].map((m) => m[1]);
		expect(scripts.every((src) => src.startsWith("/docs/"))).toBe(true);
		for (const src of scripts) expect((await http.get(src)).status).toBe(200);
		expect((await http.get("/docs/swagger-ui.css")).status).toBe(200);
	});
});
