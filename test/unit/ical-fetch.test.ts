/** The feed fetcher's limits and its refusal of private addresses (§1.10a, §11.11). */
import { resetConfig } from "../../shared/config";
import { FeedFetchError, fetchFeed, retryAfterMs } from "../../services/bookings/ical/fetch";
import { isPrivateAddress } from "../../shared/outbound/private-address";
import { airbnbFeed, startIcalServer, type FakeIcalServer } from "../fakes/ical-server";

let server: FakeIcalServer;
const saved = process.env.ALLOW_PRIVATE_OUTBOUND;

function allowPrivate(allowed: boolean) {
	process.env.ALLOW_PRIVATE_OUTBOUND = String(allowed);
	resetConfig();
}

beforeAll(async () => {
	server = await startIcalServer();
});
afterAll(async () => {
	await server.close();
	if (saved === undefined) delete process.env.ALLOW_PRIVATE_OUTBOUND;
	else process.env.ALLOW_PRIVATE_OUTBOUND = saved;
	resetConfig();
});

const kindOf = (promise: Promise<unknown>) =>
	promise.then(
		() => "fulfilled",
		(err: unknown) => (err instanceof FeedFetchError ? err.kind : String(err)),
	);

describe("in production mode", () => {
	beforeAll(() => allowPrivate(false));

	it("knows private, loopback and link-local addresses", () => {
		for (const address of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1"]) {
			expect(isPrivateAddress(address)).toBe(true);
		}
		for (const address of ["169.254.169.254", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1"]) {
			expect(isPrivateAddress(address)).toBe(true);
		}
		expect(isPrivateAddress("93.184.216.34")).toBe(false);
		expect(isPrivateAddress("2606:4700::1111")).toBe(false);
	});

	it("refuses plain http", async () => {
		expect(await kindOf(fetchFeed(server.url("/a.ics")))).toBe("invalid_url");
	});

	it("refuses a literal private address", async () => {
		expect(await kindOf(fetchFeed("https://127.0.0.1:1/a.ics"))).toBe("blocked_address");
		expect(await kindOf(fetchFeed("https://[::1]:1/a.ics"))).toBe("blocked_address");
	});

	it("refuses a name that resolves to a private address, when connecting", async () => {
		expect(await kindOf(fetchFeed("https://localhost:1/a.ics"))).toBe("blocked_address");
	});
});

describe("with private outbound allowed (tests, development)", () => {
	beforeAll(() => allowPrivate(true));

	it("returns the body and validators of a calendar", async () => {
		server.set("/ok.ics", { kind: "calendar", body: airbnbFeed([]) });
		const answer = await fetchFeed(server.url("/ok.ics"));
		expect(answer.status).toBe(200);
		expect(answer.body).toContain("BEGIN:VCALENDAR");
	});

	it("classifies a non-2xx status", async () => {
		server.set("/500.ics", { kind: "status", status: 500 });
		expect(await kindOf(fetchFeed(server.url("/500.ics")))).toBe("http_status");
	});

	it("reads a 429 as rate limited, with the wait the host asked for", async () => {
		const failure = (path: string) =>
			fetchFeed(server.url(path)).then(
				() => null,
				(err: FeedFetchError) => err,
			);
		server.set("/429.ics", { kind: "status", status: 429, retryAfter: "120" });
		expect(await failure("/429.ics")).toMatchObject({
			kind: "rate_limited",
			status: 429,
			retryAfterMs: 120_000,
		});
		// Without Retry-After: a pause of its own (5 minutes), not a hammering re-sync.
		server.set("/429-bare.ics", { kind: "status", status: 429 });
		expect(await failure("/429-bare.ics")).toMatchObject({ retryAfterMs: 300_000 });
		server.set("/503.ics", { kind: "status", status: 503, retryAfter: "30" });
		expect(await failure("/503.ics")).toMatchObject({
			kind: "http_status",
			retryAfterMs: 30_000,
		});
		server.set("/500-after.ics", { kind: "status", status: 500, retryAfter: "30" });
		expect(await failure("/500-after.ics")).toMatchObject({ retryAfterMs: undefined });
	});

	it("gives up on a feed that does not answer", async () => {
		server.set("/hang.ics", { kind: "hang" });
		expect(await kindOf(fetchFeed(server.url("/hang.ics"), { timeoutMs: 300 }))).toBe(
			"timeout",
		);
	});

	it("stops reading past the size limit", async () => {
		server.set("/big.ics", { kind: "calendar", body: "X".repeat(64 * 1024) });
		const answer = fetchFeed(server.url("/big.ics"), { maxBytes: 1024 });
		expect(await kindOf(answer)).toBe("too_large");
	});

	it("follows three redirects, not four", async () => {
		server.set("/r-1", { kind: "redirect", to: "/r0" });
		server.set("/r0", { kind: "redirect", to: "/r1" });
		server.set("/r1", { kind: "redirect", to: "/r2" });
		server.set("/r2", { kind: "redirect", to: "/r3" });
		server.set("/r3", { kind: "calendar", body: airbnbFeed([]) });
		expect((await fetchFeed(server.url("/r0"))).status).toBe(200);
		expect(await kindOf(fetchFeed(server.url("/r-1")))).toBe("too_many_redirects");
	});
});

describe("Retry-After", () => {
	const now = Date.parse("2026-12-04T12:00:00Z");

	it("takes seconds or an HTTP date, within a day", () => {
		expect(retryAfterMs("90", now)).toBe(90_000);
		expect(retryAfterMs(" 0 ", now)).toBe(0);
		expect(retryAfterMs("Fri, 04 Dec 2026 12:10:00 GMT", now)).toBe(600_000);
		expect(retryAfterMs("Fri, 04 Dec 2026 11:00:00 GMT", now)).toBe(0);
		expect(retryAfterMs("999999999", now)).toBe(24 * 3_600_000);
	});

	it("ignores what is missing or not a wait", () => {
		for (const value of [null, "", "soon", "-5", "1.5"]) {
			expect(retryAfterMs(value, now)).toBeUndefined();
		}
	});
});
