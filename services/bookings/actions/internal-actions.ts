/** Actions for other services, never routed by the gateway. */
import type { ServiceActionsSchema } from "moleculer";
import { uuidParam } from "../../../shared/params";
import type { RequestContext } from "../../../shared/context";
import { feedIdOf, feedStatus, resyncFeeds } from "../ical/feeds";
import type { FeedSource } from "../ical/parse";
import { syncExclusive } from "../ical/schedule";
import { upcomingForProperty } from "../property-deleted";
import { DATE_PATTERN } from "../../../shared/local-dates";
import { nextStays, stayOf } from "../task-support";
import type { BookingsService } from "../service-types";

export const internalActions: ServiceActionsSchema = {
	/** Asked by properties before a deletion: `{ ids }` of current or future reservations. */
	upcomingForProperty: {
		visibility: "public",
		params: { propertyId: uuidParam },
		handler: upcomingForProperty,
	},

	/** IcalFeedStatus[] of the property (§17.4), for PropertyDetail.calendars. */
	feedStatus: {
		visibility: "public",
		params: { propertyId: uuidParam },
		handler: feedStatus,
	},

	/** Fetches every feed of the property now, in the background: properties' PUT (§11.4). */
	resyncFeeds: {
		visibility: "public",
		params: { propertyId: uuidParam },
		handler: resyncFeeds,
	},

	/** Syncs one feed now (operators, tests); `"busy"` when a sync of it is running. */
	syncFeed: {
		visibility: "public",
		params: { propertyId: uuidParam, source: { type: "enum", values: ["airbnb", "booking"] } },
		handler(
			this: BookingsService,
			ctx: RequestContext<{ propertyId: string; source: FeedSource }>,
		) {
			const { propertyId, source } = ctx.params;
			return syncExclusive.call(this, feedIdOf(propertyId.toLowerCase(), source));
		},
	},

	/** One booking's stay with resolved clock times, for its cleaning task; null if unknown. */
	stayOf: {
		visibility: "public",
		params: { bookingId: uuidParam },
		handler: stayOf,
	},

	/** NextBookingContext (or null) per `{ propertyId, date }`, for cleaners (§17.15). */
	nextStays: {
		visibility: "public",
		params: {
			queries: {
				type: "array",
				max: 500,
				items: {
					type: "object",
					strict: "remove",
					props: {
						propertyId: uuidParam,
						date: { type: "string", pattern: DATE_PATTERN },
					},
				},
			},
		},
		handler: nextStays,
	},
};
