/**
 * The domain events of the properties service (§19), as a consumer receives them from
 * JetStream: one per change, with the catalogue's data fields, ids and no personal data.
 */
import { eventRecorder } from "../helpers/event-recorder";
import { jpeg } from "../fixtures/images";
import { cleanUp, eventually, type Stack } from "../helpers/stack";
import {
	createProperty,
	invite,
	registerUser,
	startPropertiesStack,
	type Http,
	type TestUser,
} from "./properties-fixtures";

const TYPES = [
	"property.created",
	"property.updated",
	"property.deleted",
	"invitation.created",
	"invitation.revoked",
	"member.joined",
	"member.updated",
	"member.removed",
];

/** A consumer of every event type the properties service publishes. */
const { service: listener, received } = eventRecorder("proplistener", TYPES);

let stack: Stack;
let http: Http;
let owner: TestUser;

beforeAll(async () => {
	({ stack, http } = await startPropertiesStack("propevents", [listener]));
	owner = await registerUser(http, "events-owner");
});
afterAll(async () => {
	await stack?.stop();
	await cleanUp(stack.namespace, ["proplistener"]);
});

/** Waits for the `count` events of `type` about the property, in publication order. */
const eventsOf = (propertyId: string, type: string, count = 1) =>
	eventually(async () => {
		const found = received.filter((e) => e.property_id === propertyId && e.type === type);
		return found.length >= count ? found : undefined;
	});

it("publishes every change of a property's life with the catalogue's fields", async () => {
	const property = await createProperty(http, owner, { name: "Eventful" });
	const id = property.id;
	const member = await registerUser(http, "events-member");

	await http.patch(`/v1/properties/${id}`, {
		token: owner.token,
		body: { name: "Eventful II", checkin_time: "16:00" },
	});
	const invitation = await invite(http, owner, id, {
		accessLevel: "staff",
		email: "events-member@example.es",
		maxUses: 2,
	});
	await http.post(`/v1/invitations/${invitation.token}/accept`, { token: member.token });
	await http.patch(`/v1/properties/${id}/crew/${member.id}`, {
		token: owner.token,
		body: { access_level: "contractor", services: ["pool"] },
	});
	await http.delete(`/v1/properties/${id}/invitations/${invitation.id}`, { token: owner.token });
	await http.delete(`/v1/properties/${id}/crew/${member.id}`, { token: member.token });
	await http.delete(`/v1/properties/${id}`, { token: owner.token });

	const [created] = await eventsOf(id, "property.created");
	expect(created).toMatchObject({
		version: 1,
		account_id: owner.accountId,
		property_id: id,
		actor: { type: "user", id: owner.id },
		request_id: expect.any(String),
		data: { property_id: id, name: "Eventful" },
	});
	const [updated] = await eventsOf(id, "property.updated");
	expect(updated.data).toEqual({ changed_fields: ["name", "checkin_time"] });
	const [invited] = await eventsOf(id, "invitation.created");
	expect(invited.data).toEqual({
		invitation_id: invitation.id,
		access_level: "staff",
		services: ["cleaning"],
		has_email: true,
		max_uses: 2,
		expires_at: invitation.expiresAt,
	});
	const [joined] = await eventsOf(id, "member.joined");
	expect(joined).toMatchObject({
		actor: { type: "user", id: member.id },
		data: {
			user_id: member.id,
			access_level: "staff",
			services: ["cleaning"],
			invitation_id: invitation.id,
		},
	});
	const [changed] = await eventsOf(id, "member.updated");
	expect(changed.data).toEqual({
		user_id: member.id,
		access_level: "contractor",
		services: ["pool"],
		previous: { access_level: "staff", services: ["cleaning"] },
	});
	const [revoked] = await eventsOf(id, "invitation.revoked");
	expect(revoked.data).toEqual({ invitation_id: invitation.id });
	const [removed] = await eventsOf(id, "member.removed");
	expect(removed.data).toEqual({ user_id: member.id, reason: "left", reassigned_task_ids: [] });
	const [deleted] = await eventsOf(id, "property.deleted");
	expect(deleted.data).toEqual({ property_id: id, cancelled_booking_ids: [] });

	// Ids and attributes only: the bound email never travels in an event.
	const mine = received.filter((e) => e.property_id === id);
	expect(JSON.stringify(mine)).not.toContain("@");
	expect(new Set(mine.map((e) => e.id)).size).toBe(mine.length);
});

it("reports a removal by the owner and the default cleaner going back to the owner", async () => {
	const property = await createProperty(http, owner);
	const id = property.id;
	const cleaner = await registerUser(http, "events-cleaner");
	const invitation = await invite(http, owner, id, { accessLevel: "staff" });
	await http.post(`/v1/invitations/${invitation.token}/accept`, { token: cleaner.token });
	await http.patch(`/v1/properties/${id}`, {
		token: owner.token,
		body: { default_cleaner_id: cleaner.id },
	});
	await http.delete(`/v1/properties/${id}/crew/${cleaner.id}`, { token: owner.token });

	const [removed] = await eventsOf(id, "member.removed");
	expect(removed.data).toMatchObject({ user_id: cleaner.id, reason: "removed" });
	const updates = await eventsOf(id, "property.updated", 2);
	expect(updates.map((e) => e.data.changed_fields)).toEqual([
		["default_cleaner_id"],
		["default_cleaner_id"],
	]);
});

it("reports cover uploads and removals as changes of cover_image", async () => {
	const property = await createProperty(http, owner);
	const id = property.id;
	const path = `/v1/properties/${id}/cover`;
	// Removing a cover that does not exist changes nothing and says nothing.
	expect((await http.delete(path, { token: owner.token })).status).toBe(204);
	const form = new FormData();
	form.append("file", new Blob([await jpeg(400, 300)], { type: "image/jpeg" }), "c.jpg");
	const upload = await fetch(stack.url + path, {
		method: "POST",
		headers: { authorization: `Bearer ${owner.token}` },
		body: form,
	});
	expect(upload.status).toBe(200);
	expect((await http.delete(path, { token: owner.token })).status).toBe(204);

	const updates = await eventsOf(id, "property.updated", 2);
	expect(updates.map((e) => e.data)).toEqual([
		{ changed_fields: ["cover_image"] },
		{ changed_fields: ["cover_image"] },
	]);
});
