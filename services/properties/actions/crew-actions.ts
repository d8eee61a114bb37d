/** Crew operations (§12.3–§12.5). */
import type { ServiceActionsSchema } from "moleculer";
import { uuidParam } from "../../../shared/params";
import { ANY_ROLE, OWNER_OR_MANAGER } from "../../../shared/permissions";
import { listCrew, updateMember } from "../crew";
import { removeMember } from "../crew-removal";
import { CREW_SERVICES, MEMBER_LEVELS } from "../vocabulary";

const tags = ["PropertyMembers"];

export const crewActions: ServiceActionsSchema = {
	listCrew: {
		rest: "GET /properties/:id/crew",
		params: { id: uuidParam },
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "List crew members for a property",
			description: "The owner first, then by joining date.",
			tags,
			response: "array:PropertyMember",
			errors: [404],
		},
		handler: listCrew,
	},

	updateMember: {
		rest: "PATCH /properties/:id/crew/:userId",
		params: {
			id: uuidParam,
			userId: uuidParam,
			access_level: { type: "enum", values: MEMBER_LEVELS, optional: true },
			services: {
				type: "array",
				items: { type: "enum", values: CREW_SERVICES },
				max: CREW_SERVICES.length,
				optional: true,
			},
		},
		// Managers act on staff and contractors only (checked by the handler).
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Update a crew member's access level",
			tags,
			response: "PropertyMember",
			errors: [404, 409],
		},
		handler: updateMember,
	},

	removeMember: {
		rest: "DELETE /properties/:id/crew/:userId",
		params: { id: uuidParam, userId: uuidParam },
		// Any member may leave; who may remove whom is checked by the handler.
		propertyAccess: { param: "id", roles: ANY_ROLE },
		openapi: {
			summary: "Remove a crew member from a property",
			tags,
			status: 204,
			errors: [404, 409],
		},
		handler: removeMember,
	},
};
