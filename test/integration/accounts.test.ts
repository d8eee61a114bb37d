/** Accounts through the gateway: registration, the account profile, API tokens, user list. */
import accounts from "../../services/accounts/accounts.service";
import { client } from "../helpers/http";
import { startStack, type Stack } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";

let stack: Stack;
let http: ReturnType<typeof client>;

beforeAll(async () => {
	stack = await startStack("accounts", [accounts]);
	http = client(stack.url);
});
afterAll(() => stack?.stop());

async function registered(sub: string, claims = {}): Promise<string> {
	const token = mintJwt({ sub, ...claims });
	expect((await http.post("/v1/auth/register", { token })).status).toBe(201);
	return token;
}

describe("registration", () => {
	it("creates the user once; later calls return it and refresh the email", async () => {
		const first = await http.post("/v1/auth/register", {
			token: mintJwt({ sub: "reg-1", given_name: "Lucía", family_name: "García" }),
			body: { locale: "en" },
		});
		expect(first.status).toBe(201);
		expect(first.headers.get("location")).toBe("/v1/account");
		expect(first.body).toMatchObject({
			email: "reg-1@example.es",
			first_name: "Lucía",
			last_name: "García",
			locale: "en",
			phone: null,
			company_name: null,
			tax_id: null,
			is_admin: false,
		});

		const changedEmail = mintJwt({ sub: "reg-1", email: "lucia@new.es" });
		const again = await http.post("/v1/auth/register", {
			token: changedEmail,
			body: { first_name: "Ignored", locale: "es" },
		});
		expect(again.status).toBe(200);
		expect(again.body).toMatchObject({ id: first.body.id, user_id: first.body.user_id });
		expect(again.body.first_name).toBe("Lucía");
		expect(again.body.locale).toBe("en");
		expect(again.body.email).toBe("lucia@new.es");
	});

	it("creates exactly one user when the first calls race", async () => {
		const token = mintJwt({ sub: "racer" });
		const answers = await Promise.all(
			Array.from({ length: 8 }, () => http.post("/v1/auth/register", { token })),
		);
		const statuses = answers.map((a) => a.status).sort();
		expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
		expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
	});

	it("needs an email from the identity provider", async () => {
		const res = await http.post("/v1/auth/register", {
			token: mintJwt({ sub: "no-mail", email: null }),
		});
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("EMAIL_REQUIRED");
	});

	it("validates the optional body", async () => {
		const res = await http.post("/v1/auth/register", {
			token: mintJwt({ sub: "bad-body" }),
			body: { locale: "de", first_name: "x".repeat(101) },
		});
		expect(res.status).toBe(422);
		const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
		expect(fields).toEqual(["first_name", "locale"]);
	});
});

describe("account", () => {
	it("replaces the profile: omitted or empty nullable fields become null", async () => {
		const token = await registered("profile");
		const full = await http.put("/v1/account", {
			token,
			body: {
				first_name: "  Ana ",
				last_name: "Pérez",
				phone: "+34 600 111 222",
				locale: "es",
				company_name: "Apartamentos Ana SL",
				tax_id: "B12345678",
				email: "hacker@evil.example",
				is_admin: true,
			},
		});
		expect(full.status).toBe(200);
		expect(full.body).toMatchObject({
			first_name: "Ana",
			phone: "+34 600 111 222",
			email: "profile@example.es",
			is_admin: false,
		});

		const partial = await http.put("/v1/account", {
			token,
			body: { first_name: "Ana", locale: "en", last_name: "" },
		});
		expect(partial.body).toMatchObject({
			last_name: null,
			phone: null,
			company_name: null,
			tax_id: null,
			locale: "en",
		});
		expect(Date.parse(partial.body.updated_at)).toBeGreaterThan(
			Date.parse(full.body.created_at),
		);
		expect((await http.get("/v1/account", { token })).body).toEqual(partial.body);
	});
});

describe("API tokens", () => {
	it("lists tokens newest first without any secret", async () => {
		const token = await registered("lister");
		for (const name of ["first", "second"]) {
			expect((await http.post("/v1/account/tokens", { token, body: { name } })).status).toBe(
				201,
			);
		}
		const list = await http.get("/v1/account/tokens", { token });
		expect(list.body.map((t: { name: string }) => t.name)).toEqual(["second", "first"]);
		for (const item of list.body) {
			expect(Object.keys(item).sort()).toEqual(
				["created_at", "expires_at", "id", "last_used_at", "name", "token_prefix"].sort(),
			);
			expect(item.token_prefix).toMatch(/^kas_pat_.{4}$/);
		}
	});

	it("validates the name and the expiry", async () => {
		const token = await registered("validator");
		const past = new Date(Date.now() - 60_000).toISOString();
		const far = new Date(Date.now() + 400 * 86_400_000).toISOString();
		for (const body of [
			{},
			{ name: "" },
			{ name: "x", expires_at: past },
			{ name: "x", expires_at: far },
		]) {
			const res = await http.post("/v1/account/tokens", { token, body });
			expect(res.status).toBe(422);
			expect(res.body.error.code).toBe("VALIDATION_FAILED");
		}
	});

	it("stops at 20 active tokens", async () => {
		const token = await registered("collector");
		for (let i = 0; i < 20; i++) {
			expect(
				(await http.post("/v1/account/tokens", { token, body: { name: `t${i}` } })).status,
			).toBe(201);
		}
		const res = await http.post("/v1/account/tokens", {
			token,
			body: { name: "one too many" },
		});
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe("TOKEN_LIMIT_REACHED");
	});

	it("revokes only the caller's own tokens, idempotently", async () => {
		const alice = await registered("alice-tokens");
		const bob = await registered("bob-tokens");
		const created = await http.post("/v1/account/tokens", {
			token: alice,
			body: { name: "a" },
		});
		const path = `/v1/account/tokens/${created.body.id}`;
		expect((await http.delete(path, { token: bob })).status).toBe(404);
		expect((await http.delete(path, { token: alice })).status).toBe(204);
		expect((await http.delete(path, { token: alice })).status).toBe(204);
		expect((await http.get("/v1/account/tokens", { token: alice })).body).toEqual([]);
	});
});

describe("user list", () => {
	it("pages newest first and filters by email or name, case-insensitively", async () => {
		const admin = await registered("platform-admin");
		await registered("zz-maria", { given_name: "María" });
		await registered("zz-marta", { given_name: "Marta" });

		const page = await http.get("/v1/users?size=2&page=0", { token: admin });
		expect(page.body).toMatchObject({ page: 0, size: 2 });
		expect(page.body.users).toHaveLength(2);
		expect(page.body.total).toBeGreaterThanOrEqual(3);
		expect(page.body.users[0].email).toBe("zz-marta@example.es");

		const found = await http.get("/v1/users?query=ZZ-MAR", { token: admin });
		expect(found.body.users.map((u: { email: string }) => u.email)).toEqual([
			"zz-marta@example.es",
			"zz-maria@example.es",
		]);
		expect(found.body.total).toBe(2);

		const past = await http.get(`/v1/users?page=999`, { token: admin });
		expect(past.status).toBe(200);
		expect(past.body.users).toEqual([]);
	});
});

describe("internal look-ups", () => {
	it("lists users by id with names and emails only", async () => {
		const token = await registered("lookup-me", { given_name: "Look", family_name: "Up" });
		const me = (await http.get("/v1/account", { token })).body;
		const found = await stack.gateway.call("accounts.listUsersByIds", {
			ids: [me.user_id, "00000000-0000-4000-8000-000000000000"],
		});
		expect(found).toEqual([
			{ id: me.user_id, email: "lookup-me@example.es", first_name: "Look", last_name: "Up" },
		]);
	});

	it("is not routed by the gateway", async () => {
		expect((await http.get("/v1/accounts/listUsersByIds")).status).toBe(404);
	});
});
