import type { ActionSchema } from "moleculer";
import { bucketsFor, checkAccess } from "../../services/api/access";
import type { Caller } from "../../shared/context";

const caller = (overrides: Partial<Caller> = {}): Caller => ({
	id: "u1",
	accountId: "a1",
	sub: "s",
	email: "s@example.es",
	emailVerified: true,
	isAdmin: false,
	via: "jwt",
	tokenId: null,
	givenName: null,
	familyName: null,
	...overrides,
});

const action = (auth?: ActionSchema["auth"], rateLimit?: ActionSchema["rateLimit"]) =>
	({ auth, rateLimit }) as ActionSchema;

const codeOf = (fn: () => void) => {
	try {
		fn();
		return "allowed";
	} catch (err) {
		return (err as { type: string }).type;
	}
};

describe("checkAccess", () => {
	const unregistered = caller({ id: null, accountId: null });
	const pat = caller({ via: "pat", tokenId: "t1" });

	it.each([
		["user", null, "UNAUTHENTICATED"],
		["user", unregistered, "USER_NOT_REGISTERED"],
		["user", pat, "allowed"],
		["jwt", pat, "PAT_NOT_ALLOWED"],
		["jwt", unregistered, "USER_NOT_REGISTERED"],
		["identity", unregistered, "allowed"],
		["identity", pat, "PAT_NOT_ALLOWED"],
		["public", null, "allowed"],
	] as const)("%s operation, caller %#: %s", (mode, who, expected) => {
		expect(codeOf(() => checkAccess(action(mode), who))).toBe(expected);
	});
});

describe("bucketsFor", () => {
	const base = { ip: "1.2.3.4", pathParams: {}, userLimitPerMinute: 0 };

	it("limits personal tokens per token, and public operations per IP", () => {
		const pat = caller({ via: "pat", tokenId: "t1" });
		expect(bucketsFor({ ...base, action: action("public", "geo"), caller: pat })).toEqual([
			{ key: "pat:t1", limit: 100, windowMs: 60_000 },
			{ key: "geo:1.2.3.4", limit: 50, windowMs: 60_000 },
		]);
	});

	it("gives JWT callers no bucket unless configured", () => {
		expect(bucketsFor({ ...base, action: action(), caller: caller() })).toEqual([]);
		expect(
			bucketsFor({ ...base, userLimitPerMinute: 300, action: action(), caller: caller() }),
		).toEqual([{ key: "user:u1", limit: 300, windowMs: 60_000 }]);
	});

	it("keys the iCal feed bucket by its token, case-insensitively", () => {
		const buckets = bucketsFor({
			...base,
			action: action("public", "ical_feed"),
			caller: null,
			pathParams: { token: "abc" },
		});
		expect(buckets).toEqual([{ key: "ical:ABC", limit: 30, windowMs: 60_000 }]);
	});
});
