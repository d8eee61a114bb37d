/** iCal export feed operations (§11.10, X7 and X8); the feed itself is served by bookings. */
import type { ServiceActionsSchema } from "moleculer";
import type { RequestContext } from "../../../shared/context";
import { uuidParam } from "../../../shared/params";
import { OWNER_OR_MANAGER } from "../../../shared/permissions";
import { propertyByExportToken, revokeIcalExport, rotateIcalExport } from "../ical-export";
import type { PropertiesService } from "../service-types";

const tags = ["Properties"];

export const icalExportActions: ServiceActionsSchema = {
	rotateIcalExport: {
		rest: "POST /properties/:id/ical-export",
		params: { id: uuidParam },
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Create or rotate the iCal export feed",
			description: "A new feed URL; the previous one, if any, stops working at once.",
			tags,
			response: "IcalExport",
			status: 201,
			errors: [403, 404],
		},
		handler: rotateIcalExport,
	},

	revokeIcalExport: {
		rest: "DELETE /properties/:id/ical-export",
		params: { id: uuidParam },
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Revoke the iCal export feed",
			tags,
			status: 204,
			errors: [403, 404],
		},
		handler: revokeIcalExport,
	},

	/** For the bookings service's feed: whose feed token is this? Null when unknown. */
	byExportToken: {
		visibility: "public",
		params: { token: { type: "string", min: 1, max: 64 } },
		handler(this: PropertiesService, ctx: RequestContext<{ token: string }>) {
			return propertyByExportToken.call(this, ctx.params.token);
		},
	},
};
