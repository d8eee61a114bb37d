/** Property-local dates and times of bookings (§1.3), across daylight-saving changes. */
import { isValidDate, localInstant, localToday, nightsBetween } from "../../shared/local-dates";

it("lists the nights of a stay, the departure day excluded", () => {
	expect(nightsBetween("2030-02-27", "2030-03-02")).toEqual([
		"2030-02-27",
		"2030-02-28",
		"2030-03-01",
	]);
	expect(nightsBetween("2030-01-01", "2030-01-01")).toEqual([]);
});

it("accepts only real calendar dates", () => {
	expect(isValidDate("2028-02-29")).toBe(true);
	expect(isValidDate("2030-02-29")).toBe(false);
	expect(isValidDate("2030-13-01")).toBe(false);
});

it("keeps local clock times across a daylight-saving change", () => {
	const tz = "Europe/Madrid";
	expect(localInstant("2030-03-30", "15:00", tz).toISOString()).toBe("2030-03-30T14:00:00.000Z");
	expect(localInstant("2030-04-02", "11:00", tz).toISOString()).toBe("2030-04-02T09:00:00.000Z");
	// 02:30 does not exist on 31 March 2030 in Madrid: it moves forward by the gap.
	expect(localInstant("2030-03-31", "02:30", tz).toISOString()).toBe("2030-03-31T01:30:00.000Z");
	// 02:30 happens twice on 27 October 2030: the earlier instant wins.
	expect(localInstant("2030-10-27", "02:30", tz).toISOString()).toBe("2030-10-27T00:30:00.000Z");
	expect(localInstant("2030-07-01", "15:00", "America/New_York").toISOString()).toBe(
		"2030-07-01T19:00:00.000Z",
	);
});

it("tells today's date in the property's time zone", () => {
	const instant = new Date("2030-07-01T23:30:00Z");
	expect(localToday("Europe/Madrid", instant)).toBe("2030-07-02");
	expect(localToday("America/New_York", instant)).toBe("2030-07-01");
});
