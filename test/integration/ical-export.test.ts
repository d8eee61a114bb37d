/**
 * The iCal export feed (§11.10): X7 creates or rotates the feed URL, X8 revokes it, and X9
 * serves it as valid iCalendar without guest data, with an ETag, 304 and a per-token limit.
 */
import type { ServiceSchema } from "moleculer";
import * as nodeIcal from "node-ical";
import accounts from "../../services/accounts/accounts.service";
import bookings from "../../services/bookings/bookings.service";
import { addDays, localToday } from "../../shared/local-dates";
import properties from "../../services/properties/properties.service";
import type { DomainEvent } from "../../shared/events/envelope";
import { consume } from "../../shared/mixins/events.mixin";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { client } from "../helpers/http";
import { cleanUp, eventually, startStack, type Stack } from "../helpers/stack";
import { buildWorld, geoStub, type Http, type World } from "./properties-fixtures";

const updates: DomainEvent<any>[] = [];

const listener: ServiceSchema = {
	name: "icallistener",
	mixins: domainServiceMixins(() => ({})),
	channels: {
		"property.updated": consume(async (event) => void updates.push(event)),
	},
};

let stack: Stack;
let http: Http;
let world: World;
const today = localToday("Europe/Madrid");
const bookingIds: string[] = [];

beforeAll(async () => {
	stack = await startStack("icalexport", [accounts, geoStub, properties, bookings, listener]);
	http = client(stack.url);
	world = await buildWorld(http, "icalexport");
	const guest = {
		guest_first_name: "Anna",
		guest_last_name: "Schmidt",
		guest_email: "anna@example.de",
		guest_phone: "+49 170 000000",
		notes: "Late arrival",
	};
	const bodies = [
		{ from: addDays(today, 3), to: addDays(today, 6), ...guest },
		{ type: "block", from: addDays(today, 10), to: addDays(today, 12) },
		{ from: addDays(today, -60), to: addDays(today, -55), ...guest },
		{ from: addDays(today, 20), to: addDays(today, 22), ...guest },
	];
	for (const body of bodies) {
		const res = await http.post(`/v1/properties/${world.propertyId}/bookings`, {
			token: world.users.owner.token,
			body,
		});
		if (res.status !== 201) throw new Error(`booking: ${res.status} ${res.text}`);
		bookingIds.push(res.body.id);
	}
	await http.patch(`/v1/bookings/${bookingIds[3]}`, {
		token: world.users.owner.token,
		body: { status: "cancelled" },
	});
});
afterAll(async () => {
	await stack?.stop();
	await cleanUp(stack.namespace, ["icallistener"]);
});

const exportPath = () => `/v1/properties/${world.propertyId}/ical-export`;
const rotate = (user: keyof World["users"] = "owner") =>
	http.post(exportPath(), { token: world.users[user].token });
const feedPath = (url: string) => new URL(url).pathname;

describe("X7 and X8: managing the feed", () => {
	it("creates a URL that owners and managers see on the property, staff do not", async () => {
		const res = await rotate();
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			url: expect.stringMatching(/^https?:\/\/[^/]+\/v1\/ical\/[0-9A-HJKMNP-TV-Z]{26}\.ics$/),
			created_at: expect.stringMatching(/Z$/),
		});
		expect(res.headers.get("location")).toBe(feedPath(res.body.url));

		const read = (user: keyof World["users"]) =>
			http.get(`/v1/properties/${world.propertyId}`, { token: world.users[user].token });
		expect((await read("owner")).body.ical_export_url).toBe(res.body.url);
		expect((await read("manager")).body.ical_export_url).toBe(res.body.url);
		expect((await read("staff")).body.ical_export_url).toBeNull();
		expect((await read("contractor")).body.ical_export_url).toBeNull();

		const event = await eventually(async () =>
			updates.find((e) => e.property_id === world.propertyId),
		);
		expect(event.data).toEqual({ changed_fields: ["ical_export"] });
	});

	it("lets only owners and managers manage it", async () => {
		expect((await rotate("manager")).status).toBe(201);
		expect((await rotate("staff")).status).toBe(403);
		expect((await rotate("contractor")).status).toBe(403);
		expect((await rotate("stranger")).status).toBe(404);
		expect((await http.post(exportPath())).status).toBe(401);
		const staffRevoke = await http.delete(exportPath(), { token: world.users.staff.token });
		expect(staffRevoke.status).toBe(403);
	});

	it("rotation stops the old URL at once; revocation stops the current one", async () => {
		const first = (await rotate()).body.url;
		const second = (await rotate()).body.url;
		expect(second).not.toBe(first);
		expect((await http.get(feedPath(first))).status).toBe(404);
		expect((await http.get(feedPath(second))).status).toBe(200);

		const revoked = await http.delete(exportPath(), { token: world.users.manager.token });
		expect(revoked.status).toBe(204);
		const gone = await http.get(feedPath(second));
		expect(gone.status).toBe(404);
		expect(gone.body.error.code).toBe("NOT_FOUND");
		const property = await http.get(`/v1/properties/${world.propertyId}`, {
			token: world.users.owner.token,
		});
		expect(property.body.ical_export_url).toBeNull();
		// Revoking again is harmless.
		const again = await http.delete(exportPath(), { token: world.users.owner.token });
		expect(again.status).toBe(204);
	});
});

describe("X9: the feed", () => {
	it("is valid iCalendar with one all-day event per live stay, and no guest data", async () => {
		const url = (await rotate()).body.url;
		const res = await http.get(feedPath(url));
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
		expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
		expect(res.headers.get("last-modified")).toMatch(/GMT$/);

		const events = Object.values(nodeIcal.sync.parseICS(res.text)).filter(
			(item) => item?.type === "VEVENT",
		) as nodeIcal.VEvent[];
		const byUid = new Map(events.map((e) => [e.uid, e]));
		// The stay 60 days ago is outside the window, the cancelled one is left out.
		expect([...byUid.keys()].sort()).toEqual(
			[bookingIds[0], bookingIds[1]].map((id) => `${id}@kasify`).sort(),
		);
		const stay = byUid.get(`${bookingIds[0]}@kasify`) as nodeIcal.VEvent;
		expect(stay.summary).toBe("Reserved");
		expect(stay.datetype).toBe("date");
		expect(byUid.get(`${bookingIds[1]}@kasify`)?.summary).toBe("Not available");
		expect(res.text).toContain(`DTSTART;VALUE=DATE:${addDays(today, 3).replace(/-/g, "")}`);
		expect(res.text).toContain(`DTEND;VALUE=DATE:${addDays(today, 6).replace(/-/g, "")}`);
		for (const personal of ["Anna", "Schmidt", "anna@example.de", "+49 170", "Late arrival"]) {
			expect(res.text).not.toContain(personal);
		}
	});

	it("follows RFC 5545's framing: CRLF, folded lines, the required properties", async () => {
		const url = (await rotate()).body.url;
		const text = (await http.get(feedPath(url))).text;
		// §3.1: CRLF line breaks, content lines folded at 75 octets.
		expect(text.endsWith("\r\n")).toBe(true);
		const lines = text.slice(0, -2).split("\r\n");
		expect(lines.filter((line) => line.includes("\n"))).toEqual([]);
		expect(lines.filter((line) => Buffer.byteLength(line) > 75)).toEqual([]);
		// §3.6: VERSION and PRODID once; §3.6.1: UID, DTSTAMP and DTSTART in every event.
		expect(lines.filter((line) => line === "VERSION:2.0")).toHaveLength(1);
		expect(lines.filter((line) => line.startsWith("PRODID:"))).toHaveLength(1);
		const events = text.split("BEGIN:VEVENT\r\n").slice(1);
		expect(events.length).toBeGreaterThan(0);
		for (const event of events) {
			for (const property of ["UID:", "DTSTAMP:", "DTSTART;VALUE=DATE:"]) {
				expect(event).toContain(`\r\n${property}`.slice(2));
			}
		}
	});

	it("answers 304 to a matching If-None-Match, and accepts the token in lower case", async () => {
		const url = (await rotate()).body.url;
		const first = await http.get(feedPath(url));
		const etag = first.headers.get("etag") as string;
		const cached = await http.get(feedPath(url), { headers: { "if-none-match": etag } });
		expect(cached.status).toBe(304);
		expect(cached.text).toBe("");
		expect(cached.headers.get("etag")).toBe(etag);
		const stale = await http.get(feedPath(url), { headers: { "if-none-match": '"other"' } });
		expect(stale.status).toBe(200);
		const lower = await http.get(
			feedPath(url).replace(/\/(\w+)\.ics$/, (m) => m.toLowerCase()),
		);
		expect(lower.status).toBe(200);
	});

	it("answers 404 to unknown tokens and 429 after 30 requests a minute per token", async () => {
		expect((await http.get("/v1/ical/0000000000000000000000000Z.ics")).status).toBe(404);
		expect((await http.get("/v1/ical/not-a-token.ics")).status).toBe(404);

		const path = feedPath((await rotate()).body.url);
		const statuses: number[] = [];
		for (let i = 0; i < 31; i++) statuses.push((await http.get(path)).status);
		expect(statuses.slice(0, 30).every((status) => status === 200)).toBe(true);
		expect(statuses[30]).toBe(429);
		// Another token has its own bucket.
		const other = feedPath((await rotate()).body.url);
		expect((await http.get(other)).status).toBe(200);
	});
});
