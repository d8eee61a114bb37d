/**
 * Actions for other services, never routed by the gateway: the role look-up behind the
 * PropertyAccess middleware, the properties a user can reach for cross-property lists, and
 * the schedule facts (time zone, clock times) bookings resolve local times with.
 */
import type { ServiceActionsSchema } from "moleculer";
import type { RequestContext } from "../../../shared/context";
import { uuidParam } from "../../../shared/params";
import { accessibleProperties, calendarProperties, roleOf } from "../membership";
import type { PropertyDoc } from "../models";
import type { PropertiesService } from "../service-types";
import { taskProperties } from "../task-facts";

export const internalActions: ServiceActionsSchema = {
	roleOf: {
		visibility: "public",
		params: { propertyId: uuidParam, userId: uuidParam },
		handler(
			this: PropertiesService,
			ctx: RequestContext<{ propertyId: string; userId: string }>,
		) {
			const { propertyId, userId } = ctx.params;
			return roleOf.call(this, propertyId.toLowerCase(), userId.toLowerCase());
		},
	},

	accessibleProperties: {
		visibility: "public",
		params: { userId: uuidParam },
		handler(this: PropertiesService, ctx: RequestContext<{ userId: string }>) {
			return accessibleProperties.call(this, ctx.params.userId.toLowerCase());
		},
	},

	/** The account calendar's property headers (§6.2): every accessible property, by name. */
	calendarProperties: {
		visibility: "public",
		params: { userId: uuidParam },
		handler(this: PropertiesService, ctx: RequestContext<{ userId: string }>) {
			return calendarProperties.call(this, ctx.params.userId.toLowerCase());
		},
	},

	/** Answers for deleted properties too: their bookings are still being wound down. */
	scheduleOf: {
		visibility: "public",
		params: { propertyId: uuidParam },
		async handler(this: PropertiesService, ctx: RequestContext<{ propertyId: string }>) {
			const property = await this.models.Property.findById(
				ctx.params.propertyId.toLowerCase(),
			)
				.select("account_id timezone checkin_time checkout_time")
				.lean<PropertyDoc>();
			if (!property) return null;
			const { account_id, timezone, checkin_time, checkout_time } = property;
			return { account_id, timezone, checkin_time, checkout_time };
		},
	},

	/** The imported iCal feeds' URLs, for the bookings service's import; null when gone. */
	icalFeedsOf: {
		visibility: "public",
		params: { propertyId: uuidParam },
		async handler(this: PropertiesService, ctx: RequestContext<{ propertyId: string }>) {
			const property = await this.models.Property.findById(
				ctx.params.propertyId.toLowerCase(),
			)
				.select("airbnb_ical_url booking_ical_url deleted_at")
				.lean<PropertyDoc>();
			if (!property || property.deleted_at) return null;
			const { airbnb_ical_url, booking_ical_url } = property;
			return {
				airbnb_ical_url: airbnb_ical_url ?? null,
				booking_ical_url: booking_ical_url ?? null,
			};
		},
	},

	/** TaskPropertyFacts of each known property (deleted ones flagged), for the tasks service. */
	taskProperties: {
		visibility: "public",
		params: { ids: { type: "array", items: uuidParam, max: 500 } },
		handler(this: PropertiesService, ctx: RequestContext<{ ids: string[] }>) {
			return taskProperties.call(
				this,
				ctx.params.ids.map((id) => id.toLowerCase()),
			);
		},
	},
};
