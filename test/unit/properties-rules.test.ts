/** The pure rules of the properties service: crew changes and iCal feed URLs. */
import {
	checkUpdateAllowed,
	removalReason,
	servicesFor,
} from "../../services/properties/crew-rules";
import { icalUrlProblem } from "../../services/properties/ical-url";

const codeOf = (fn: () => unknown) => {
	try {
		return fn();
	} catch (err) {
		return (err as { type: string }).type;
	}
};

describe("removalReason", () => {
	it("lets anyone leave, the owner remove anyone, a manager remove staff and contractors", () => {
		expect(removalReason("staff", "u1", { userId: "u1", level: "staff" })).toBe("left");
		expect(removalReason("owner", "o", { userId: "m", level: "manager" })).toBe("removed");
		expect(removalReason("manager", "m", { userId: "c", level: "contractor" })).toBe("removed");
	});

	it("refuses a manager removing another manager, and crew removing others", () => {
		expect(
			codeOf(() => removalReason("manager", "m", { userId: "m2", level: "manager" })),
		).toBe("FORBIDDEN");
		expect(
			codeOf(() => removalReason("staff", "s", { userId: "c", level: "contractor" })),
		).toBe("FORBIDDEN");
	});
});

describe("checkUpdateAllowed", () => {
	it.each([
		["owner", "manager", "staff", undefined],
		["owner", "staff", "manager", undefined],
		["manager", "staff", "contractor", undefined],
		["manager", "staff", "manager", "FORBIDDEN"],
		["manager", "manager", "staff", "FORBIDDEN"],
		["staff", "contractor", "staff", "FORBIDDEN"],
		["owner", "owner", "staff", "OWNER_IMMUTABLE"],
	] as const)("%s changing a %s to %s → %s", (caller, target, next, expected) => {
		expect(codeOf(() => checkUpdateAllowed(caller, target, next))).toBe(expected);
	});
});

describe("servicesFor", () => {
	it("gives managers none and staff at least one, de-duplicated, defaulting to cleaning", () => {
		expect(servicesFor("manager", undefined, ["cleaning"])).toEqual([]);
		expect(codeOf(() => servicesFor("manager", ["pool"], []))).toBe("VALIDATION_FAILED");
		expect(codeOf(() => servicesFor("staff", [], ["cleaning"]))).toBe("VALIDATION_FAILED");
		expect(servicesFor("staff", ["pool", "pool"], [])).toEqual(["pool"]);
		expect(servicesFor("contractor", undefined, ["gardening"])).toEqual(["gardening"]);
		expect(servicesFor("contractor", undefined, [])).toEqual(["cleaning"]);
	});
});

describe("icalUrlProblem", () => {
	it("accepts public https URLs", () => {
		expect(
			icalUrlProblem("https://www.airbnb.es/calendar/ical/123.ics?s=abc", false),
		).toBeNull();
	});

	it.each([
		["http://www.airbnb.es/cal.ics", "https"],
		["https://127.0.0.1/cal.ics", "Private"],
		["https://10.1.2.3/cal.ics", "Private"],
		["https://[::1]/cal.ics", "Private"],
		["https://[::ffff:192.168.1.1]/cal.ics", "Private"],
		["https://169.254.169.254/latest/meta-data", "Private"],
		["https://localhost/cal.ics", "Private"],
		["https://intranet/cal.ics", "Private"],
		["https://printer.local/cal.ics", "Private"],
		["not a url", "absolute"],
		[`https://example.com/${"a".repeat(2048)}`, "2048"],
	])("refuses %s", (url, reason) => {
		expect(icalUrlProblem(url, false)).toContain(reason);
	});

	it("lets ALLOW_PRIVATE_OUTBOUND reach local fakes over http, but nothing else", () => {
		expect(icalUrlProblem("http://127.0.0.1:8081/cal.ics", true)).toBeNull();
		expect(icalUrlProblem("ftp://127.0.0.1/cal.ics", true)).toContain("http");
	});
});
