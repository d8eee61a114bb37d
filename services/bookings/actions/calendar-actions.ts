/** Calendar operations (§6.1, §6.2) and the public iCal export feed (§11.10, X9). */
import type { ServiceActionsSchema } from "moleculer";
import { uuidParam } from "../../../shared/params";
import { ANY_ROLE } from "../../../shared/permissions";
import { accountCalendar, propertyCalendar } from "../calendar";
import { windowParams } from "../calendar-window";
import { icalFeed } from "../ical-feed";

export const calendarActions: ServiceActionsSchema = {
	propertyCalendar: {
		rest: "GET /properties/:id/calendar",
		params: { id: uuidParam, ...windowParams },
		propertyAccess: { param: "id", roles: ANY_ROLE },
		openapi: {
			summary: "List calendar events for a property",
			description:
				"Window from today (property time zone) to a month later by default, at most " +
				"366 days. Staff see bookings redacted; contractors see tasks only.",
			tags: ["Calendar"],
			response: "PropertyCalendar",
			errors: [404],
		},
		handler: propertyCalendar,
	},

	accountCalendar: {
		rest: "GET /calendar",
		params: windowParams,
		openapi: {
			summary: "List upcoming calendar events across accessible properties",
			description:
				"Every property the caller has a role on, by name; today is in the " +
				"default time zone.",
			tags: ["Calendar"],
			response: "AccountCalendar",
		},
		handler: accountCalendar,
	},

	icalFeed: {
		rest: "GET /ical/:token.ics",
		auth: "public",
		rateLimit: "ical_feed",
		params: { token: { type: "string", min: 1, max: 64 } },
		openapi: {
			summary: "iCal export feed",
			description: "text/calendar (RFC 5545): all-day events without guest data.",
			tags: ["Properties"],
			errors: [404],
		},
		handler: icalFeed,
	},
};
