/**
 * Crew invitations through the gateway (§12.1, §12.2, §12.6, §12.7): creation and its rules,
 * the list with derived statuses, revocation, and acceptance with every documented refusal,
 * in order, including concurrent accepts that must never exceed maxUses.
 */
import type { Stack } from "../helpers/stack";
import {
	createProperty,
	invite,
	propertiesService,
	registerUser,
	startPropertiesStack,
	type Http,
	type TestUser,
} from "./properties-fixtures";

let stack: Stack;
let http: Http;
let owner: TestUser;
let propertyId: string;
let n = 0;

beforeAll(async () => {
	({ stack, http } = await startPropertiesStack("invitations"));
	owner = await registerUser(http, "inv-owner");
	propertyId = (await createProperty(http, owner)).id;
});
afterAll(() => stack?.stop());

const user = (claims = {}) => registerUser(http, `inv-user-${++n}`, claims);
const accept = (token: string, as: TestUser) =>
	http.post(`/v1/invitations/${token}/accept`, { token: as.token });
const invitationsPath = () => `/v1/properties/${propertyId}/invitations`;
const listed = async (id: string, inProperty = propertyId) => {
	const path = `/v1/properties/${inProperty}/invitations`;
	const list = (await http.get(path, { token: owner.token })).body;
	return list.find((invitation: any) => invitation.id === id);
};

/** Moves an invitation's expiry into the past, as time would. */
const expire = (id: string) =>
	propertiesService(stack).models.Invitation.updateOne(
		{ _id: id },
		{ $set: { expires_at: new Date(Date.now() - 1000) } },
	);

describe("create", () => {
	it("creates an invitation with the documented defaults", async () => {
		const before = Date.now();
		const res = await http.post(invitationsPath(), {
			token: owner.token,
			body: { accessLevel: "staff", email: " Marta@Example.ES " },
		});
		expect(res.status).toBe(201);
		expect(res.headers.get("location")).toBe(`${invitationsPath()}/${res.body.id}`);
		expect(res.body).toEqual({
			id: expect.any(String),
			propertyId,
			token: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
			uses: 0,
			maxUses: 1,
			createdAt: expect.any(String),
			expiresAt: expect.any(String),
			acceptedAt: null,
			revokedAt: null,
			status: "active",
			accessLevel: "staff",
			services: ["cleaning"],
			locale: "es",
			email: "marta@example.es",
		});
		const lifetime = Date.parse(res.body.expiresAt) - before;
		expect(Math.abs(lifetime - 7 * 24 * 3600 * 1000)).toBeLessThan(60_000);
	});

	it("gives managers no services and keeps what is asked for", async () => {
		const expiresAt = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString();
		const manager = await invite(http, owner, propertyId, {
			accessLevel: "manager",
			services: [],
			maxUses: 5,
			expiresAt,
			locale: "en",
			email: "",
		});
		expect(manager).toMatchObject({
			services: [],
			maxUses: 5,
			expiresAt,
			locale: "en",
			email: null,
		});
	});

	it.each([
		["accessLevel", { accessLevel: "owner" }],
		["email", { accessLevel: "staff", email: "not-an-email" }],
		["maxUses", { accessLevel: "staff", maxUses: 0 }],
		["maxUses", { accessLevel: "staff", maxUses: 101 }],
		["expiresAt", { accessLevel: "staff", expiresAt: new Date(Date.now() - 1000) }],
		["expiresAt", { accessLevel: "staff", expiresAt: new Date(Date.now() + 31 * 86400e3) }],
		["locale", { accessLevel: "staff", locale: "de" }],
		["services", { accessLevel: "staff", services: [] }],
		["services[0]", { accessLevel: "contractor", services: ["cooking"] }],
		["services", { accessLevel: "manager", services: ["cleaning"] }],
	])("refuses an invalid %s with 422", async (field, body) => {
		const res = await http.post(invitationsPath(), { token: owner.token, body });
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("VALIDATION_FAILED");
		expect(res.body.error.details.map((d: any) => d.field)).toEqual([field]);
	});
});

describe("list and revoke", () => {
	it("lists every invitation newest first, with its derived status", async () => {
		const used = await invite(http, owner, propertyId, { accessLevel: "staff" });
		await accept(used.token, await user());
		const old = await invite(http, owner, propertyId, { accessLevel: "staff" });
		await expire(old.id);
		const revoked = await invite(http, owner, propertyId, { accessLevel: "contractor" });
		const revoke = await http.delete(`${invitationsPath()}/${revoked.id}`, {
			token: owner.token,
		});
		expect(revoke.status).toBe(204);
		const fresh = await invite(http, owner, propertyId, { accessLevel: "manager" });

		const list = (await http.get(invitationsPath(), { token: owner.token })).body;
		const ids = list.map((i: any) => i.id);
		expect(ids.slice(0, 4)).toEqual([fresh.id, revoked.id, old.id, used.id]);
		expect(list.slice(0, 4).map((i: any) => i.status)).toEqual([
			"active",
			"revoked",
			"expired",
			"exhausted",
		]);
		expect(list[1].revokedAt).toEqual(expect.any(String));
		expect(list[3]).toMatchObject({ uses: 1, acceptedAt: expect.any(String) });
	});

	it("revokes idempotently, and 404s an unknown invitation", async () => {
		const invitation = await invite(http, owner, propertyId, { accessLevel: "staff" });
		const path = `${invitationsPath()}/${invitation.id}`;
		expect((await http.delete(path, { token: owner.token })).status).toBe(204);
		const again = await http.delete(path, { token: owner.token });
		expect(again.status).toBe(204);
		const unknown = `${invitationsPath()}/99999999-9999-4999-8999-999999999999`;
		expect((await http.delete(unknown, { token: owner.token })).status).toBe(404);
	});
});

describe("accept", () => {
	it("makes the caller a member with the invitation's level and services", async () => {
		const invitation = await invite(http, owner, propertyId, {
			accessLevel: "contractor",
			services: ["pool", "maintenance"],
		});
		const member = await user();
		const res = await accept(invitation.token.toLowerCase(), member);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			propertyId,
			propertyName: "Casa Azul",
			accessLevel: "contractor",
		});
		const crew = (await http.get(`/v1/properties/${propertyId}/crew`, { token: owner.token }))
			.body;
		expect(crew.find((m: any) => m.user_id === member.id)).toMatchObject({
			access_level: "contractor",
			services: ["pool", "maintenance"],
		});
		expect(await listed(invitation.id)).toMatchObject({ uses: 1, status: "exhausted" });
	});

	it("answers 404 for an unknown or malformed token", async () => {
		const caller = await user();
		for (const token of ["0123456789ABCDEFGHJKMNPQRS", "short", "!".repeat(26)]) {
			const res = await accept(token, caller);
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe("NOT_FOUND");
		}
	});

	it("refuses revoked, then expired, then exhausted invitations, in that order", async () => {
		const caller = await user();
		const invitation = await invite(http, owner, propertyId, { accessLevel: "staff" });
		await accept(invitation.token, await user());
		const code = async () => (await accept(invitation.token, caller)).body.error.code;
		expect(await code()).toBe("INVITATION_EXHAUSTED");
		await expire(invitation.id);
		expect(await code()).toBe("INVITATION_EXPIRED");
		await http.delete(`${invitationsPath()}/${invitation.id}`, { token: owner.token });
		const res = await accept(invitation.token, caller);
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe("INVITATION_REVOKED");
	});

	it("lets only the invited, verified email accept a bound invitation", async () => {
		const invitation = await invite(http, owner, propertyId, {
			accessLevel: "staff",
			email: "bound@example.es",
		});
		const other = await user();
		const unverified = await user({ email: "bound@example.es", email_verified: false });
		for (const caller of [other, unverified]) {
			const res = await accept(invitation.token, caller);
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe("INVITATION_EMAIL_MISMATCH");
		}
		const invited = await user({ email: "Bound@Example.es" });
		expect((await accept(invitation.token, invited)).status).toBe(200);
	});

	it("answers ALREADY_MEMBER to members and the owner without using the invitation", async () => {
		const invitation = await invite(http, owner, propertyId, {
			accessLevel: "staff",
			maxUses: 2,
		});
		const member = await user();
		expect((await accept(invitation.token, member)).status).toBe(200);
		for (const caller of [member, owner]) {
			const res = await accept(invitation.token, caller);
			expect(res.status).toBe(409);
			expect(res.body.error.code).toBe("ALREADY_MEMBER");
		}
		expect(await listed(invitation.id)).toMatchObject({ uses: 1, status: "active" });
	});

	it("never exceeds maxUses: 20 concurrent accepts of a 3-use invitation", async () => {
		const property = await createProperty(http, owner, { name: "Rush" });
		const invitation = await invite(http, owner, property.id, {
			accessLevel: "staff",
			maxUses: 3,
		});
		const callers = await Promise.all(Array.from({ length: 20 }, () => user()));
		const answers = await Promise.all(
			callers.map((caller) => accept(invitation.token, caller)),
		);
		const codes = answers.map((a) => (a.status === 200 ? "OK" : a.body.error.code));
		expect(codes.filter((c) => c === "OK")).toHaveLength(3);
		expect(codes.filter((c) => c === "INVITATION_EXHAUSTED")).toHaveLength(17);

		const crew = (await http.get(`/v1/properties/${property.id}/crew`, { token: owner.token }))
			.body;
		expect(crew).toHaveLength(4);
		expect(await listed(invitation.id, property.id)).toMatchObject({
			uses: 3,
			status: "exhausted",
		});
	});

	it("gives the use back when the same user accepts twice at once", async () => {
		const invitation = await invite(http, owner, propertyId, {
			accessLevel: "staff",
			maxUses: 10,
		});
		const caller = await user();
		const answers = await Promise.all(
			Array.from({ length: 4 }, () => accept(invitation.token, caller)),
		);
		expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
		expect(await listed(invitation.id)).toMatchObject({ uses: 1 });
	});
});
