/**
 * Attempts to break authentication through the gateway: every bad credential gets the
 * documented error, and each credential kind reaches only what it may.
 */
import jwt from "jsonwebtoken";
import { generateKeyPairSync } from "node:crypto";
import accounts from "../../services/accounts/accounts.service";
import { client } from "../helpers/http";
import { startStack, type Stack } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";

let stack: Stack;
let http: ReturnType<typeof client>;

beforeAll(async () => {
	stack = await startStack("auth", [accounts]);
	http = client(stack.url);
});
afterAll(() => stack?.stop());

async function registered(sub: string): Promise<string> {
	const token = mintJwt({ sub });
	const res = await http.post("/v1/auth/register", { token });
	expect([200, 201]).toContain(res.status);
	return token;
}

function expectError(
	res: { status: number; body: any; headers: Headers },
	status: number,
	code: string,
) {
	expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
	expect(res.body.error.request_id).toBe(res.headers.get("x-request-id"));
}

describe("JWT verification", () => {
	it("rejects a request without credentials with UNAUTHENTICATED and a challenge", async () => {
		const res = await http.get("/v1/account");
		expectError(res, 401, "UNAUTHENTICATED");
		expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
	});

	it("rejects an expired token with TOKEN_EXPIRED", async () => {
		await registered("expired-user");
		const token = mintJwt({ sub: "expired-user" }, { expiresIn: -120 });
		expectError(await http.get("/v1/account", { token }), 401, "TOKEN_EXPIRED");
	});

	it("accepts a token expired by less than the 60 s clock skew", async () => {
		await registered("skew-user");
		const token = mintJwt({ sub: "skew-user" }, { expiresIn: -20 });
		expect((await http.get("/v1/account", { token })).status).toBe(200);
	});

	it("rejects a token from another issuer", async () => {
		const token = mintJwt({ sub: "x" }, { issuer: "https://evil.example" });
		expectError(await http.get("/v1/account", { token }), 401, "INVALID_TOKEN");
	});

	it("rejects a token for another audience", async () => {
		const token = mintJwt({ sub: "x" }, { audience: "someone-else" });
		expectError(await http.get("/v1/account", { token }), 401, "INVALID_TOKEN");
	});

	it("rejects alg: none", async () => {
		const unsigned = jwt.sign(
			{ sub: "x", iss: "https://auth.kasify.local", aud: "kasify-api" },
			"",
			{
				algorithm: "none",
				expiresIn: "1h",
			},
		);
		expectError(await http.get("/v1/account", { token: unsigned }), 401, "INVALID_TOKEN");
	});

	it("rejects a tampered payload", async () => {
		const token = mintJwt({ sub: "honest" });
		const [header, payload, signature] = token.split(".");
		const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
		const forged = Buffer.from(JSON.stringify({ ...claims, sub: "platform-admin" })).toString(
			"base64url",
		);
		expectError(
			await http.get("/v1/account", { token: `${header}.${forged}.${signature}` }),
			401,
			"INVALID_TOKEN",
		);
	});

	it("rejects a token signed with another secret", async () => {
		const token = jwt.sign({ sub: "x" }, "not-the-secret", {
			issuer: "https://auth.kasify.local",
			audience: "kasify-api",
			expiresIn: "1h",
		});
		expectError(await http.get("/v1/account", { token }), 401, "INVALID_TOKEN");
	});

	it("rejects an RS256 token when only HS256 is configured", async () => {
		const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
		const token = jwt.sign({ sub: "x" }, privateKey, {
			algorithm: "RS256",
			issuer: "https://auth.kasify.local",
			audience: "kasify-api",
			expiresIn: "1h",
		});
		expectError(await http.get("/v1/account", { token }), 401, "INVALID_TOKEN");
	});

	it("rejects a token without exp", async () => {
		const token = jwt.sign({ sub: "x" }, "kasify-local-development-secret-change-me", {
			issuer: "https://auth.kasify.local",
			audience: "kasify-api",
		});
		expectError(await http.get("/v1/account", { token }), 401, "INVALID_TOKEN");
	});

	it("rejects garbage and a non-Bearer scheme", async () => {
		expectError(await http.get("/v1/account", { token: "not-a-jwt" }), 401, "INVALID_TOKEN");
		const basic = await http.get("/v1/account", {
			headers: { authorization: "Basic dXNlcjpwYXNz" },
		});
		expectError(basic, 401, "INVALID_TOKEN");
	});

	it("lets an unregistered subject call only registration", async () => {
		const token = mintJwt({ sub: "newcomer" });
		expectError(await http.get("/v1/account", { token }), 403, "USER_NOT_REGISTERED");
		expectError(await http.get("/v1/account/tokens", { token }), 403, "USER_NOT_REGISTERED");
		expect((await http.post("/v1/auth/register", { token })).status).toBe(201);
		expect((await http.get("/v1/account", { token })).status).toBe(200);
	});
});

describe("personal access tokens", () => {
	it("authenticates as its owner, cannot manage tokens, stops when revoked", async () => {
		const jwtToken = await registered("pat-owner");
		const created = await http.post("/v1/account/tokens", {
			token: jwtToken,
			body: { name: "CLI" },
		});
		expect(created.status).toBe(201);
		const pat: string = created.body.token;
		expect(pat).toMatch(/^kas_pat_[0-9A-Za-z]{40}$/);

		const account = await http.get("/v1/account", { token: pat });
		expect(account.status).toBe(200);
		expect(account.body.email).toBe("pat-owner@example.es");
		expect(account.headers.get("ratelimit-limit")).toBe("100");

		expectError(await http.get("/v1/account/tokens", { token: pat }), 403, "PAT_NOT_ALLOWED");
		expectError(
			await http.post("/v1/account/tokens", { token: pat, body: { name: "x" } }),
			403,
			"PAT_NOT_ALLOWED",
		);
		expectError(await http.post("/v1/auth/register", { token: pat }), 403, "PAT_NOT_ALLOWED");

		const revoked = await http.delete(`/v1/account/tokens/${created.body.id}`, {
			token: jwtToken,
		});
		expect(revoked.status).toBe(204);
		expectError(await http.get("/v1/account", { token: pat }), 401, "INVALID_TOKEN");
	});

	it("rejects an unknown token and an expired one", async () => {
		const unknown = `kas_pat_${"A".repeat(40)}`;
		expectError(await http.get("/v1/account", { token: unknown }), 401, "INVALID_TOKEN");

		const jwtToken = await registered("pat-expiry");
		const soon = new Date(Date.now() + 1500).toISOString();
		const created = await http.post("/v1/account/tokens", {
			token: jwtToken,
			body: { name: "short", expires_at: soon },
		});
		expect(created.status).toBe(201);
		await new Promise((resolve) => setTimeout(resolve, 6500)); // past expiry and the 5 s cache
		expectError(
			await http.get("/v1/account", { token: created.body.token }),
			401,
			"TOKEN_EXPIRED",
		);
	});
});

describe("platform admin", () => {
	it("refuses the user list to a non-admin and serves it to a configured admin", async () => {
		const user = await registered("ordinary");
		expectError(await http.get("/v1/users", { token: user }), 403, "ADMIN_REQUIRED");

		const admin = await registered("platform-admin");
		const res = await http.get("/v1/users?size=100", { token: admin });
		expect(res.status).toBe(200);
		expect(res.body.users.map((u: { email: string }) => u.email)).toContain(
			"ordinary@example.es",
		);
		expect(
			res.body.users.find((u: { email: string }) => u.email === "platform-admin@example.es")
				.is_admin,
		).toBe(true);
	});

	it("does not make an admin of a forged PAT-less request for another subject", async () => {
		const other = await registered("not-admin");
		const created = await http.post("/v1/account/tokens", {
			token: other,
			body: { name: "t" },
		});
		expectError(
			await http.get("/v1/users", { token: created.body.token }),
			403,
			"ADMIN_REQUIRED",
		);
	});
});
