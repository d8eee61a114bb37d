/**
 * The calendar's pure rules (§6): the default window's month arithmetic, the 366-day limit,
 * the ordering of events and the echo rule for blocks, which the HTTP suites cannot reach
 * (a block and a reservation on the same nights need iCal import to coexist).
 */
import { propertyEvents } from "../../services/bookings/calendar-events";
import { addMonths, resolveWindow } from "../../services/bookings/calendar-window";
import type { BookingDoc } from "../../services/bookings/models";

const schedule = { timezone: "Europe/Madrid", checkin_time: "15:00", checkout_time: "11:00" };

function booking(id: string, fields: Partial<BookingDoc>): BookingDoc {
	const base = {
		_id: id,
		property_id: "p",
		type: "reservation",
		channel: "booking",
		status: "confirmed",
		from: "2031-03-01",
		to: "2031-03-03",
		adults_count: 2,
		children_count: 1,
		infants_count: 0,
		guest_first_name: "Anna",
		guest_last_name: null,
		checkin_time: null,
		checkout_time: null,
	};
	return { ...base, ...fields } as unknown as BookingDoc;
}

describe("the window", () => {
	it("ends on the same day of the next month, clamped to that month's end", () => {
		expect(addMonths("2031-01-31", 1)).toBe("2031-02-28");
		expect(addMonths("2032-01-31", 1)).toBe("2032-02-29");
		expect(addMonths("2031-12-15", 1)).toBe("2032-01-15");
		expect(addMonths("2031-08-31", 18)).toBe("2033-02-28");
		expect(resolveWindow({}, "2031-05-31")).toEqual({ from: "2031-05-31", to: "2031-06-30" });
	});

	it("allows 366 days counted inclusively, not 367", () => {
		expect(resolveWindow({ from: "2031-01-01", to: "2032-01-01" }, "x").to).toBe("2032-01-01");
		expect(() => resolveWindow({ from: "2031-01-01", to: "2032-01-02" }, "x")).toThrow(
			expect.objectContaining({ type: "INVALID_DATE_RANGE" }),
		);
		expect(() => resolveWindow({ to: "2031-01-01" }, "2031-01-02")).toThrow(
			expect.objectContaining({ type: "INVALID_DATE_RANGE" }),
		);
	});
});

describe("events", () => {
	it("leave out a block echoing a reservation, and sort by start, then type", () => {
		const events = propertyEvents(
			[
				booking("late", { from: "2031-03-05", to: "2031-03-06" }),
				booking("echo", { type: "block", channel: "airbnb" }),
				booking("stay", {}),
				booking("early", { type: "block", from: "2031-03-01", to: "2031-03-04" }),
				booking("own-time", {
					from: "2031-03-01",
					to: "2031-03-02",
					checkin_time: "09:00",
				}),
			],
			[],
			"owner",
			schedule,
		);
		expect(events.map((e) => e.id)).toEqual(["own-time", "stay", "early", "late"]);
		expect(events[1]).toMatchObject({
			title: "Anna",
			guests_number: 3,
			start_at: "2031-03-01T14:00:00.000Z",
			end_at: "2031-03-03T10:00:00.000Z",
		});
		expect(events[2]).toMatchObject({ type: "blocked", title: "Not available" });
	});

	it("give staff the channel label and no guest name, and contractors nothing", () => {
		const stay = booking("stay", {});
		expect(propertyEvents([stay], [], "staff", schedule)[0]).toMatchObject({
			title: "Booking.com",
			guest_name: null,
		});
		expect(propertyEvents([stay], [], "contractor", schedule)).toEqual([]);
	});

	it("merge task events: after a booking starting with them, alone for contractors", () => {
		const stay = booking("stay", {});
		const task = {
			...propertyEvents([stay], [], "owner", schedule)[0],
			id: "task",
			type: "task" as const,
			title: "Cleaning",
			task_type: "cleaning",
		};
		const early = { ...task, id: "early-task", start_at: "2031-03-01T08:00:00.000Z" };
		expect(propertyEvents([stay], [task, early], "owner", schedule).map((e) => e.id)).toEqual([
			"early-task",
			"stay",
			"task",
		]);
		expect(propertyEvents([stay], [task], "contractor", schedule)).toEqual([task]);
	});
});
