/**
 * Rate limits shared by gateway replicas through Redis, and `Idempotency-Key` on POST.
 */
import Redis from "ioredis";
import type { ServiceSchema } from "moleculer";
import accounts from "../../services/accounts/accounts.service";
import { config } from "../../shared/config";
import { client } from "../helpers/http";
import { startStack, type Stack } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";

let calls = 0;

/** Test-only operations: a slow creation and one that fails until told otherwise. */
const probe: ServiceSchema = {
	name: "probe",
	settings: { rest: "/" },
	actions: {
		slowCreate: {
			rest: "POST /probe/slow",
			auth: "public",
			async handler(ctx) {
				calls++;
				await new Promise((resolve) => setTimeout(resolve, 800));
				(ctx.meta as { $statusCode?: number }).$statusCode = 201;
				return { call: calls };
			},
		},
		flaky: {
			rest: "POST /probe/flaky",
			auth: "public",
			handler() {
				calls++;
				if (calls % 2 === 1) throw new Error("transient failure");
				return { call: calls };
			},
		},
	},
};

let stack: Stack;
let http: ReturnType<typeof client>;
let owner: string;

beforeAll(async () => {
	stack = await startStack("limits", [accounts, probe]);
	http = client(stack.url);
	owner = mintJwt({ sub: "limits-owner" });
	expect((await http.post("/v1/auth/register", { token: owner })).status).toBe(201);
});
afterAll(() => stack?.stop());

describe("rate limits", () => {
	it("allows 100 PAT requests a minute across gateway replicas, then 429", async () => {
		const created = await http.post("/v1/account/tokens", {
			token: owner,
			body: { name: "rl" },
		});
		const pat = created.body.token;
		const replica = client(await stack.startGateway());

		const statuses: number[] = [];
		for (let i = 0; i < 100; i++) {
			const target = i % 2 === 0 ? http : replica;
			statuses.push((await target.get("/v1/account", { token: pat })).status);
		}
		expect(statuses.every((status) => status === 200)).toBe(true);

		const limited = await replica.get("/v1/account", { token: pat });
		expect(limited.status).toBe(429);
		expect(limited.body.error.code).toBe("RATE_LIMITED");
		expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
		expect(limited.headers.get("ratelimit-limit")).toBe("100");
		expect(limited.headers.get("ratelimit-remaining")).toBe("0");

		// The same user's JWT has no bucket by default, and the token's bucket is its own.
		expect((await http.get("/v1/account", { token: owner })).status).toBe(200);
	});

	it("limits the OpenAPI document to 10 a minute per client", async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 11; i++) statuses.push((await http.get("/openapi.json")).status);
		expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
		expect(statuses[10]).toBe(429);
	});
});

describe("idempotency keys", () => {
	const key = (label: string) => `${label}-${Math.random().toString(36).slice(2)}`;

	it("replays the stored answer of a repeated POST without doing the work again", async () => {
		const headers = { "idempotency-key": key("token") };
		const first = await http.post("/v1/account/tokens", {
			token: owner,
			body: { name: "once" },
			headers,
		});
		const again = await http.post("/account/tokens", {
			token: owner,
			body: { name: "once" },
			headers,
		});
		expect(first.status).toBe(201);
		expect(again.status).toBe(201);
		expect(again.headers.get("idempotency-replayed")).toBe("true");
		expect(again.headers.get("location")).toBe(first.headers.get("location"));
		expect(again.body).toEqual(first.body);
		const tokens = await http.get("/v1/account/tokens", { token: owner });
		expect(tokens.body.filter((t: { name: string }) => t.name === "once")).toHaveLength(1);

		// The stored answer holds the raw token; it must be encrypted at rest.
		const redis = new Redis(config().redisUrl);
		const keys = await redis.keys(`${stack.namespace}-api:idem:*`);
		const stored = await Promise.all(keys.map((k) => redis.get(k)));
		redis.disconnect();
		expect(stored.length).toBeGreaterThan(0);
		expect(stored.join("\n")).not.toContain(first.body.token);
	});

	it("refuses the same key with another body", async () => {
		const headers = { "idempotency-key": key("reuse") };
		await http.post("/v1/account/tokens", { token: owner, body: { name: "a" }, headers });
		const res = await http.post("/v1/account/tokens", {
			token: owner,
			body: { name: "b" },
			headers,
		});
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
	});

	it("scopes keys to the caller", async () => {
		const other = mintJwt({ sub: "limits-other" });
		await http.post("/v1/auth/register", { token: other });
		const headers = { "idempotency-key": key("scope") };
		const mine = await http.post("/v1/account/tokens", {
			token: owner,
			body: { name: "s" },
			headers,
		});
		const theirs = await http.post("/v1/account/tokens", {
			token: other,
			body: { name: "s" },
			headers,
		});
		expect(theirs.status).toBe(201);
		expect(theirs.headers.get("idempotency-replayed")).toBeNull();
		expect(theirs.body.id).not.toBe(mine.body.id);
	});

	it("answers 409 while the first request with the key is still running", async () => {
		const headers = { "idempotency-key": key("inflight") };
		const [a, b] = await Promise.all([
			http.post("/v1/probe/slow", { body: {}, headers }),
			new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
				http.post("/v1/probe/slow", { body: {}, headers }),
			),
		]);
		expect(a.status).toBe(201);
		expect(b.status).toBe(409);
		expect(b.body.error.code).toBe("IDEMPOTENCY_KEY_IN_USE");
	});

	it("does not keep a 5xx answer: the retry runs again", async () => {
		calls = 0;
		const headers = { "idempotency-key": key("flaky") };
		const failed = await http.post("/v1/probe/flaky", { body: {}, headers });
		const retried = await http.post("/v1/probe/flaky", { body: {}, headers });
		expect(failed.status).toBe(500);
		expect(retried.status).toBe(200);
		expect(retried.body).toEqual({ call: 2 });
	});

	it("rejects a malformed key", async () => {
		const long = await http.post("/v1/probe/slow", {
			body: {},
			headers: { "idempotency-key": "k".repeat(256) },
		});
		expect(long.status).toBe(400);
		expect(long.body.error.code).toBe("INVALID_IDEMPOTENCY_KEY");
		const accented = await http.post("/v1/probe/slow", {
			body: {},
			headers: { "idempotency-key": "clé" },
		});
		expect(accented.status).toBe(400);
	});

	it("ignores a key sent with PUT", async () => {
		const headers = { "idempotency-key": key("put") };
		const body = { first_name: "Ana", locale: "es" };
		expect((await http.put("/v1/account", { token: owner, body, headers })).status).toBe(200);
		const second = await http.put("/v1/account", {
			token: owner,
			body: { ...body, first_name: "Eva" },
			headers,
		});
		expect(second.status).toBe(200);
		expect(second.body.first_name).toBe("Eva");
	});
});
