/** The task side of the calendar views (§6), asked by the bookings service. */
import type { ServiceActionsSchema } from "moleculer";
import type { RequestContext } from "../../../shared/context";
import { DATE_PATTERN } from "../../../shared/local-dates";
import { uuidParam } from "../../../shared/params";
import { ANY_ROLE } from "../../../shared/permissions";
import { calendarEvents, type CalendarEventsQuery } from "../calendar-events";
import type { TasksService } from "../service-types";

const date = { type: "string", pattern: DATE_PATTERN } as const;

export const calendarActions: ServiceActionsSchema = {
	/** CalendarEvent items of tasks, keyed by property id, filtered by the caller's roles. */
	calendarEvents: {
		visibility: "public",
		params: {
			userId: uuidParam,
			from: date,
			to: date,
			properties: {
				type: "array",
				max: 1000,
				items: {
					type: "object",
					strict: "remove",
					props: {
						id: uuidParam,
						role: { type: "enum", values: [...ANY_ROLE] },
						timezone: { type: "string", min: 1 },
					},
				},
			},
		},
		handler(this: TasksService, ctx: RequestContext<CalendarEventsQuery>) {
			return calendarEvents.call(this, {
				...ctx.params,
				userId: ctx.params.userId.toLowerCase(),
				properties: ctx.params.properties.map((p) => ({ ...p, id: p.id.toLowerCase() })),
			});
		},
	},
};
