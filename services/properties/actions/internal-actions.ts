/**
 * Actions for other services, never routed by the gateway: the role look-up behind the
 * PropertyAccess middleware, and the properties a user can reach for cross-property lists.
 */
import type { ServiceActionsSchema } from "moleculer";
import type { RequestContext } from "../../../shared/context";
import { uuidParam } from "../../../shared/params";
import { accessibleProperties, roleOf } from "../membership";
import type { PropertiesService } from "../service-types";

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
};
