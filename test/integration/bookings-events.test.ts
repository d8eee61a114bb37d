/**
 * The booking events (§19) as a consumer receives them from JetStream, without guest personal
 * data, and the bookings' side of a property's deletion (§11.6).
 */
import { eventRecorder } from "../helpers/event-recorder";
import accounts from "../../services/accounts/accounts.service";
import bookings from "../../services/bookings/bookings.service";
import properties from "../../services/properties/properties.service";
import { client } from "../helpers/http";
import { cleanUp, eventually, startStack, type Stack } from "../helpers/stack";
import {
	createProperty,
	registerUser,
	geoStub,
	type Http,
	type TestUser,
} from "./properties-fixtures";

const TYPES = ["booking.created", "booking.updated", "booking.cancelled"];
const { service: listener, received } = eventRecorder("booklistener", TYPES);

let stack: Stack;
let http: Http;
let owner: TestUser;

beforeAll(async () => {
	stack = await startStack("bookevents", [accounts, geoStub, properties, bookings, listener]);
	http = client(stack.url);
	owner = await registerUser(http, "bookevents-owner");
});
afterAll(async () => {
	await stack?.stop();
	await cleanUp(stack.namespace, ["booklistener"]);
});

const eventsOf = (bookingId: string, type: string, count = 1) =>
	eventually(async () => {
		const found = received.filter((e) => e.data.booking_id === bookingId && e.type === type);
		return found.length >= count ? found : undefined;
	});

const bookingsService = () => stack.brokers.get("bookings")?.getLocalService("bookings") as any;

it("publishes created, updated and cancelled with the catalogue's fields", async () => {
	const property = await createProperty(http, owner);
	const res = await http.post(`/v1/properties/${property.id}/bookings`, {
		token: owner.token,
		body: {
			from: "2030-10-01",
			to: "2030-10-04",
			channel: "vrbo",
			status: "pending",
			guest_first_name: "Secreto",
			guest_email: "secreto@example.es",
			adults_count: 2,
			children_count: 1,
		},
	});
	const id = res.body.id;
	const patch = (body: object) => http.patch(`/v1/bookings/${id}`, { token: owner.token, body });
	await patch({ status: "confirmed", to: "2030-10-05" });
	await patch({ status: "cancelled" });

	const [createdEvent] = await eventsOf(id, "booking.created");
	expect(createdEvent).toMatchObject({
		account_id: owner.accountId,
		property_id: property.id,
		actor: { type: "user", id: owner.id },
		data: {
			booking_id: id,
			type: "reservation",
			status: "pending",
			channel: "vrbo",
			source: "manual",
			from: "2030-10-01",
			to: "2030-10-04",
			guests_number: 3,
			has_conflict: false,
		},
	});
	const [updated] = await eventsOf(id, "booking.updated");
	expect(updated.data.changed_fields.sort()).toEqual(["status", "to"]);
	expect(updated.data.previous).toEqual({
		from: "2030-10-01",
		to: "2030-10-04",
		status: "pending",
		checkin_time: null,
		checkout_time: null,
		adults_count: 2,
		children_count: 1,
		infants_count: 0,
	});
	const [cancelled] = await eventsOf(id, "booking.cancelled");
	expect(cancelled.data).toEqual({
		booking_id: id,
		reason: "manual",
		previous_status: "confirmed",
	});
	const text = JSON.stringify(received.filter((e) => e.data.booking_id === id));
	expect(text).not.toMatch(/Secreto|secreto@|checkin_code/);
});

it("cancels a deleted property's bookings and frees their nights", async () => {
	const property = await createProperty(http, owner);
	const create = (body: object) =>
		http.post(`/v1/properties/${property.id}/bookings`, { token: owner.token, body });
	const upcoming = (await create({ from: "2030-11-01", to: "2030-11-03" })).body;
	const block = (await create({ from: "2030-11-10", to: "2030-11-12", type: "block" })).body;
	const past = (await create({ from: "2020-01-01", to: "2020-01-03" })).body;

	const refused = await http.delete(`/v1/properties/${property.id}`, { token: owner.token });
	expect([refused.status, refused.body.error.code]).toEqual([
		409,
		"PROPERTY_HAS_UPCOMING_BOOKINGS",
	]);
	expect(refused.body.error.details).toEqual([
		{ field: null, message: `Booking ${upcoming.id}` },
	]);
	const res = await http.delete(`/v1/properties/${property.id}?force=true`, {
		token: owner.token,
	});
	expect(res.status).toBe(204);

	const [cancelled] = await eventsOf(upcoming.id, "booking.cancelled");
	expect(cancelled.data).toMatchObject({ reason: "property_deleted" });
	await eventsOf(block.id, "booking.cancelled");
	const { Booking, NightClaim } = bookingsService().models;
	const stored = await Booking.find({ property_id: property.id }).lean();
	const statusOf = (id: string) => stored.find((b: any) => b._id === id)?.status;
	expect(statusOf(upcoming.id)).toBe("cancelled");
	expect(statusOf(block.id)).toBe("cancelled");
	expect(statusOf(past.id)).toBe("confirmed");
	expect(await NightClaim.countDocuments({ booking_id: upcoming.id })).toBe(0);
});

it("takes over nights left by a crash once they are stale", async () => {
	const property = await createProperty(http, owner);
	const { NightClaim } = bookingsService().models;
	const orphan = "0f0e0d0c-0000-4000-8000-00000000dead";
	const claimed = (at: Date) =>
		NightClaim.insertMany(
			["2030-12-01", "2030-12-02"].map((night) => ({
				_id: `${property.id}:${night}`,
				booking_id: orphan,
				claimed_at: at,
			})),
		);
	const create = () =>
		http.post(`/v1/properties/${property.id}/bookings`, {
			token: owner.token,
			body: { from: "2030-12-01", to: "2030-12-03" },
		});

	await claimed(new Date());
	expect((await create()).status).toBe(409); // too fresh: maybe a create in progress
	await NightClaim.deleteMany({ booking_id: orphan });
	await claimed(new Date(Date.now() - 5 * 60_000));
	expect((await create()).status).toBe(201);
	expect(await NightClaim.countDocuments({ booking_id: orphan })).toBe(0);
});
