/** Actions for other services, never routed by the gateway. */
import type { ServiceActionsSchema } from "moleculer";
import { uuidParam } from "../../../shared/params";
import { upcomingForProperty } from "../property-deleted";

export const internalActions: ServiceActionsSchema = {
	/** Asked by properties before a deletion: `{ ids }` of current or future reservations. */
	upcomingForProperty: {
		visibility: "public",
		params: { propertyId: uuidParam },
		handler: upcomingForProperty,
	},
};
