/** Actions for other services, never routed by the gateway. */
import type { ServiceActionsSchema } from "moleculer";
import type { RequestContext } from "../../../shared/context";
import { uuidParam } from "../../../shared/params";
import { reassignFromMember } from "../property-reactions";
import type { TasksService } from "../service-types";

export const internalActions: ServiceActionsSchema = {
	/**
	 * Asked by properties before it publishes member.removed (§12.4): reassigns the member's
	 * open tasks on the property and answers `{ ids }` of those it changed. The event's own
	 * handler does the same afterwards and finds nothing left to do.
	 */
	reassignFromMember: {
		visibility: "public",
		params: { propertyId: uuidParam, userId: uuidParam },
		async handler(
			this: TasksService,
			ctx: RequestContext<{ propertyId: string; userId: string }>,
		) {
			const { propertyId, userId } = ctx.params;
			const ids = await reassignFromMember.call(
				this,
				ctx,
				propertyId.toLowerCase(),
				userId.toLowerCase(),
			);
			return { ids };
		},
	},
};
