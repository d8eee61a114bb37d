/**
 * Crew through the gateway (§12.3–§12.5): the list, access-level and service changes, removal
 * and leaving, the default cleaner reverting to the owner, and access ending at once when a
 * member is removed or demoted (the role cache is invalidated by the writer).
 */
import type { Stack } from "../helpers/stack";
import {
	createProperty,
	join,
	registerUser,
	startPropertiesStack,
	type Http,
	type TestUser,
} from "./properties-fixtures";

let stack: Stack;
let http: Http;
let owner: TestUser;
let n = 0;

beforeAll(async () => {
	({ stack, http } = await startPropertiesStack("crew"));
	owner = await registerUser(http, "crew-owner", { given_name: "Lucía", family_name: "García" });
});
afterAll(() => stack?.stop());

const user = (name: string, claims = {}) => registerUser(http, `crew-${name}-${++n}`, claims);

async function propertyWith(
	...members: [TestUser, "manager" | "staff" | "contractor", string[]?][]
) {
	const property = await createProperty(http, owner);
	for (const [member, level, services] of members) {
		await join(http, owner, property.id, member, level, services);
	}
	return property.id as string;
}

const crewOf = async (propertyId: string, as = owner) =>
	(await http.get(`/v1/properties/${propertyId}/crew`, { token: as.token })).body;

const patchMember = (propertyId: string, userId: string, body: unknown, as = owner) =>
	http.patch(`/v1/properties/${propertyId}/crew/${userId}`, { token: as.token, body });

const removeMember = (propertyId: string, userId: string, as = owner) =>
	http.delete(`/v1/properties/${propertyId}/crew/${userId}`, { token: as.token });

const cleanerOf = async (propertyId: string) =>
	(await http.get(`/v1/properties/${propertyId}`, { token: owner.token })).body
		.default_cleaner_id;

describe("list", () => {
	it("lists the owner first, then members by joining date, with names and services", async () => {
		const marta = await user("marta", { given_name: "Marta", family_name: "López" });
		const nameless = await user("nameless", { given_name: "", family_name: "" });
		const id = await propertyWith(
			[marta, "staff", ["cleaning", "pool"]],
			[nameless, "manager"],
		);
		const crew = await crewOf(id);
		expect(crew).toEqual([
			expect.objectContaining({
				user_id: owner.id,
				name: "Lucía García",
				access_level: "owner",
				services: [],
				is_default_cleaner: true,
			}),
			{
				user_id: marta.id,
				property_id: id,
				name: "Marta López",
				email: marta.email,
				access_level: "staff",
				services: ["cleaning", "pool"],
				is_default_cleaner: false,
				joined_at: expect.any(String),
			},
			expect.objectContaining({
				name: nameless.email,
				access_level: "manager",
				services: [],
			}),
		]);
		expect(crew[1].joined_at <= crew[2].joined_at).toBe(true);
	});
});

describe("update", () => {
	it("promotes to manager (clearing services) and demotes back (default service)", async () => {
		const member = await user("promoted");
		const id = await propertyWith([member, "staff", ["pool"]]);
		const promoted = await patchMember(id, member.id, { access_level: "manager" });
		expect(promoted.status).toBe(200);
		expect(promoted.body).toMatchObject({ access_level: "manager", services: [] });
		const demoted = await patchMember(id, member.id.toUpperCase(), { access_level: "staff" });
		expect(demoted.body).toMatchObject({ access_level: "staff", services: ["cleaning"] });
		const services = await patchMember(id, member.id, {
			services: ["pool", "pool", "gardening"],
		});
		expect(services.body).toMatchObject({
			access_level: "staff",
			services: ["pool", "gardening"],
		});
	});

	it.each([
		["no field", {}],
		["no service for staff", { services: [] }],
		["services for a manager", { access_level: "manager", services: ["pool"] }],
		["an unknown service", { services: ["cooking"] }],
		["the owner level", { access_level: "owner" }],
	])("refuses %s with 422", async (_case, body) => {
		const member = await user("invalid");
		const id = await propertyWith([member, "staff"]);
		const res = await patchMember(id, member.id, body);
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("VALIDATION_FAILED");
	});

	it("answers 404 for someone who is not a member", async () => {
		const id = await propertyWith();
		const stranger = await user("not-member");
		const res = await patchMember(id, stranger.id, { access_level: "staff" });
		expect(res.status).toBe(404);
		expect((await patchMember(id, "nope", { access_level: "staff" })).status).toBe(404);
	});

	it("lets a manager change staff and contractors, but not grant manager", async () => {
		const manager = await user("mgr");
		const staff = await user("staff");
		const id = await propertyWith([manager, "manager"], [staff, "staff"]);
		const ok = await patchMember(id, staff.id, { access_level: "contractor" }, manager);
		expect(ok.status).toBe(200);
		const grant = await patchMember(id, staff.id, { access_level: "manager" }, manager);
		expect(grant.status).toBe(403);
		const self = await patchMember(id, manager.id, { access_level: "staff" }, manager);
		expect(self.status).toBe(403);
	});

	it("hands the default cleaner back to the owner when the member stops cleaning", async () => {
		const cleaner = await user("cleaner");
		const id = await propertyWith([cleaner, "staff"]);
		const set = await http.patch(`/v1/properties/${id}`, {
			token: owner.token,
			body: { default_cleaner_id: cleaner.id },
		});
		expect(set.body.default_cleaner_id).toBe(cleaner.id);
		expect((await crewOf(id))[1].is_default_cleaner).toBe(true);

		// A manager may stay the default cleaner; a contractor without cleaning may not.
		await patchMember(id, cleaner.id, { access_level: "manager" });
		expect(await cleanerOf(id)).toBe(cleaner.id);
		await patchMember(id, cleaner.id, { access_level: "contractor", services: ["pool"] });
		expect(await cleanerOf(id)).toBe(owner.id);
	});

	it("accepts as default cleaner only members who can clean", async () => {
		const pool = await user("pool");
		const id = await propertyWith([pool, "contractor", ["pool"]]);
		const stranger = await user("stranger");
		for (const candidate of [pool.id, stranger.id]) {
			const res = await http.patch(`/v1/properties/${id}`, {
				token: owner.token,
				body: { default_cleaner_id: candidate },
			});
			expect(res.status).toBe(422);
			expect(res.body.error.details[0].field).toBe("default_cleaner_id");
		}
	});
});

describe("remove and leave", () => {
	it("removes a member, who loses access on the very next request", async () => {
		const member = await user("removed");
		const id = await propertyWith([member, "staff"]);
		// This read puts the member's role in the cache.
		expect((await http.get(`/v1/properties/${id}`, { token: member.token })).status).toBe(200);
		expect((await removeMember(id, member.id)).status).toBe(204);
		const after = await http.get(`/v1/properties/${id}`, { token: member.token });
		expect(after.status).toBe(404);
		const list = await http.get("/v1/properties", { token: member.token });
		expect(list.body.total).toBe(0);
		expect((await crewOf(id)).map((m: any) => m.user_id)).toEqual([owner.id]);
	});

	it("takes manager rights away at once when a manager is demoted", async () => {
		const manager = await user("demoted");
		const id = await propertyWith([manager, "manager"]);
		expect((await crewOf(id, manager)).length).toBe(2);
		await patchMember(id, manager.id, { access_level: "staff" });
		const res = await http.get(`/v1/properties/${id}/crew`, { token: manager.token });
		expect(res.status).toBe(403);
	});

	it("lets a member leave, and come back with a new invitation", async () => {
		const member = await user("leaver");
		const id = await propertyWith([member, "contractor"]);
		expect((await removeMember(id, member.id, member)).status).toBe(204);
		expect((await http.get(`/v1/properties/${id}`, { token: member.token })).status).toBe(404);
		await join(http, owner, id, member, "staff");
		const back = await http.get(`/v1/properties/${id}`, { token: member.token });
		expect(back.body.role).toBe("staff");
	});

	it("hands the default cleaner back to the owner when that member goes", async () => {
		const cleaner = await user("gone-cleaner");
		const id = await propertyWith([cleaner, "staff"]);
		await http.patch(`/v1/properties/${id}`, {
			token: owner.token,
			body: { default_cleaner_id: cleaner.id },
		});
		await removeMember(id, cleaner.id);
		expect(await cleanerOf(id)).toBe(owner.id);
	});

	it("answers 404 for someone who is not a member, and 409 for the owner", async () => {
		const id = await propertyWith();
		const stranger = await user("never-member");
		expect((await removeMember(id, stranger.id)).status).toBe(404);
		const res = await removeMember(id, owner.id);
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe("OWNER_IMMUTABLE");
	});

	it("drops every member's access when the property is deleted", async () => {
		const member = await user("orphan");
		const id = await propertyWith([member, "manager"]);
		expect((await http.get(`/v1/properties/${id}`, { token: member.token })).status).toBe(200);
		expect((await http.delete(`/v1/properties/${id}`, { token: owner.token })).status).toBe(
			204,
		);
		expect((await http.get(`/v1/properties/${id}`, { token: member.token })).status).toBe(404);
	});
});

describe("internal look-ups", () => {
	it("tells other services each user's role and accessible properties", async () => {
		const member = await user("lookup");
		const id = await propertyWith([member, "contractor", ["maintenance"]]);
		const role = await stack.gateway.call("properties.roleOf", {
			propertyId: id,
			userId: member.id,
		});
		expect(role).toEqual({
			role: "contractor",
			services: ["maintenance"],
			accountId: owner.accountId,
		});
		const stranger = await user("lookup-stranger");
		const none = await stack.gateway.call("properties.roleOf", {
			propertyId: id,
			userId: stranger.id,
		});
		expect(none).toBeNull();
		const reachable = await stack.gateway.call("properties.accessibleProperties", {
			userId: member.id,
		});
		expect(reachable).toEqual([
			{ propertyId: id, role: "contractor", services: ["maintenance"] },
		]);
	});
});
