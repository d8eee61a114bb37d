import { constantTimeEqual, isUuid, newPublicCode, randomBase62 } from "../../shared/ids";
import { redact } from "../../shared/logging";
import { keyFrom, open, seal } from "../../shared/secrets";
import { clientIp } from "../../services/api/client-ip";
import type { IncomingMessage } from "node:http";

describe("public codes and tokens", () => {
	it("makes 26-character Crockford base32 codes that do not repeat", () => {
		const codes = new Set(Array.from({ length: 2000 }, newPublicCode));
		expect(codes.size).toBe(2000);
		for (const code of codes) expect(code).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{26}$/);
	});

	it("makes base62 strings of the requested length using the whole alphabet", () => {
		const text = randomBase62(5000);
		expect(text).toMatch(/^[0-9A-Za-z]{5000}$/);
		expect(new Set(text).size).toBe(62);
	});

	it("compares secrets and recognises UUIDs", () => {
		expect(constantTimeEqual("abc", "abc")).toBe(true);
		expect(constantTimeEqual("abc", "abd")).toBe(false);
		expect(constantTimeEqual("abc", "abcd")).toBe(false);
		expect(isUuid("5A1E9C34-7B2F-4D6A-8E01-C2F3A4B5D6E7")).toBe(true);
		expect(isUuid("5a1e9c34")).toBe(false);
	});
});

describe("secrets at rest", () => {
	const key = keyFrom("a test key that is long enough to be a key");

	it("round-trips and hides the plain text", () => {
		const sealed = seal('{"token":"kas_pat_x"}', key);
		expect(sealed).not.toContain("kas_pat");
		expect(open(sealed, key)).toBe('{"token":"kas_pat_x"}');
	});

	it("refuses altered values and other keys", () => {
		const sealed = seal("hello", key);
		const parts = sealed.split(".");
		parts[3] = Buffer.from("jello").toString("base64url");
		expect(() => open(parts.join("."), key)).toThrow();
		expect(() => open(sealed, keyFrom("another key"))).toThrow();
		expect(() => open("plain text", key)).toThrow();
	});
});

describe("log redaction", () => {
	it("removes tokens, JWTs and bearer credentials", () => {
		const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
		const line = redact(`token kas_pat_ABCdef123 jwt ${jwt} header "Bearer abc.def"`);
		expect(line).not.toMatch(/ABCdef123|eyJzdWIi|abc\.def/);
		expect(line).toContain("kas_pat_[REDACTED]");
	});
});

describe("client IP", () => {
	const request = (remote: string, forwarded?: string) =>
		({
			socket: { remoteAddress: remote },
			headers: forwarded ? { "x-forwarded-for": forwarded } : {},
		}) as unknown as IncomingMessage;

	it("uses the socket address unless the peer is a trusted proxy", () => {
		expect(clientIp(request("::ffff:203.0.113.9", "1.2.3.4"), [])).toBe("203.0.113.9");
		expect(clientIp(request("10.0.0.2", "1.2.3.4"), ["10.0.0.2"])).toBe("1.2.3.4");
	});

	it("takes the nearest untrusted hop, so a client cannot spoof its address", () => {
		const trusted = ["10.0.0.2", "10.0.0.3"];
		expect(clientIp(request("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.3"), trusted)).toBe(
			"1.2.3.4",
		);
	});
});
