/**
 * The calendar views: one property's (§6.1) and every accessible property's (§6.2), each
 * filtered by the caller's role on the property.
 */
import { config } from "../../shared/config";
import { registeredCaller, type RequestContext } from "../../shared/context";
import { notFound } from "../../shared/errors";
import { propertyAccessOf, type PropertyRole } from "../../shared/permissions";
import { scheduleOf } from "./booking-access";
import {
	calendarFilter,
	propertyEvents,
	type CalendarEvent,
	type EventSchedule,
} from "./calendar-events";
import { resolveWindow, type CalendarWindow, type WindowQuery } from "./calendar-window";
import { localToday } from "../../shared/local-dates";
import type { BookingDoc } from "./models";
import type { BookingsService } from "./service-types";

/** What `properties.calendarProperties` answers for each accessible property. */
interface CalendarProperty extends EventSchedule {
	id: string;
	name: string;
	role: PropertyRole;
	cover_image_url: string | null;
}

/** The bookings of these properties that a calendar over the window shows, by property. */
async function bookingsByProperty(
	this: BookingsService,
	propertyIds: string[],
	window: CalendarWindow,
): Promise<Map<string, BookingDoc[]>> {
	const byProperty = new Map<string, BookingDoc[]>(propertyIds.map((id) => [id, []]));
	if (propertyIds.length === 0) return byProperty;
	const bookings = await this.models.Booking.find(
		calendarFilter(propertyIds, window.from, window.to),
	)
		.select("-search_all -search_crew -outbox")
		.lean<BookingDoc[]>();
	for (const booking of bookings) byProperty.get(booking.property_id)?.push(booking);
	return byProperty;
}

interface TaskCalendarScope {
	id: string;
	role: PropertyRole;
	timezone: string;
}

/**
 * The task events of these properties, from the tasks service, which applies the role rules
 * of §6 itself. Without it a calendar would silently lack every task, so its absence is an
 * error (503), not an empty list.
 */
function tasksByProperty(
	ctx: RequestContext<unknown>,
	userId: string,
	properties: TaskCalendarScope[],
	window: CalendarWindow,
): Promise<Record<string, CalendarEvent[]>> {
	return ctx.call("tasks.calendarEvents", {
		userId,
		properties: properties.map(({ id, role, timezone }) => ({ id, role, timezone })),
		from: window.from,
		to: window.to,
	});
}

export async function propertyCalendar(
	this: BookingsService,
	ctx: RequestContext<WindowQuery & { id: string }>,
) {
	const access = propertyAccessOf(ctx);
	const schedule = await scheduleOf.call(this, ctx, access.propertyId);
	if (!schedule) throw notFound("property");
	const window = resolveWindow(ctx.params, localToday(schedule.timezone));

	// Contractors see tasks only: their calendar needs no booking at all.
	const wanted = access.role === "contractor" ? [] : [access.propertyId];
	const scope = { id: access.propertyId, role: access.role, timezone: schedule.timezone };
	const [bookings, tasks] = await Promise.all([
		bookingsByProperty.call(this, wanted, window),
		tasksByProperty(ctx, registeredCaller(ctx).id, [scope], window),
	]);
	return {
		property_id: access.propertyId,
		timezone: schedule.timezone,
		...window,
		events: propertyEvents(
			bookings.get(access.propertyId) ?? [],
			tasks[access.propertyId] ?? [],
			access.role,
			schedule,
		),
	};
}

export async function accountCalendar(this: BookingsService, ctx: RequestContext<WindowQuery>) {
	const caller = registeredCaller(ctx);
	const window = resolveWindow(ctx.params, localToday(config().defaultTimezone));
	const properties = await ctx.call<CalendarProperty[], { userId: string }>(
		"properties.calendarProperties",
		{ userId: caller.id },
	);

	const wanted = properties.filter((p) => p.role !== "contractor").map((p) => p.id);
	const [bookings, tasks] = await Promise.all([
		bookingsByProperty.call(this, wanted, window),
		tasksByProperty(ctx, caller.id, properties, window),
	]);
	return {
		...window,
		properties: properties.map((property) => ({
			property: {
				id: property.id,
				name: property.name,
				timezone: property.timezone,
				role: property.role,
				cover_image_url: property.cover_image_url,
			},
			events: propertyEvents(
				bookings.get(property.id) ?? [],
				tasks[property.id] ?? [],
				property.role,
				property,
			),
		})),
	};
}
