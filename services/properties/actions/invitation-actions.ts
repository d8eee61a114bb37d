/** Invitation operations (§12.1, §12.2, §12.6, §12.7). */
import type { ServiceActionsSchema } from "moleculer";
import { locale, uuidParam } from "../../../shared/params";
import { OWNER_OR_MANAGER } from "../../../shared/permissions";
import { acceptInvitation } from "../invitation-accept";
import { createInvitation, listInvitations, revokeInvitation } from "../invitations";
import { CREW_SERVICES, MEMBER_LEVELS } from "../vocabulary";

const tags = ["PropertyMembers"];

export const invitationActions: ServiceActionsSchema = {
	listInvitations: {
		rest: "GET /properties/:id/invitations",
		params: { id: uuidParam },
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "List invitations for a property",
			description: "Newest first, including expired, exhausted and revoked ones.",
			tags,
			response: "array:PropertyInvitation",
			errors: [404],
		},
		handler: listInvitations,
	},

	createInvitation: {
		rest: "POST /properties/:id/invitations",
		params: {
			id: uuidParam,
			accessLevel: { type: "enum", values: MEMBER_LEVELS },
			email: {
				type: "string",
				trim: true,
				max: 254,
				optional: true,
				nullable: true,
				pattern: "^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$",
				messages: { stringPattern: "Must be a valid email address." },
			},
			maxUses: {
				type: "number",
				integer: true,
				min: 1,
				max: 100,
				optional: true,
				nullable: true,
			},
			expiresAt: { type: "date", convert: true, optional: true, nullable: true },
			locale: { ...locale, optional: true },
			services: {
				type: "array",
				items: { type: "enum", values: CREW_SERVICES },
				max: CREW_SERVICES.length,
				optional: true,
				nullable: true,
			},
		},
		// Managers may invite staff and contractors only (checked by the handler).
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Create a crew invitation for a property",
			tags,
			response: "PropertyInvitation",
			status: 201,
			errors: [404],
		},
		handler: createInvitation,
	},

	revokeInvitation: {
		rest: "DELETE /properties/:id/invitations/:invitationId",
		params: { id: uuidParam, invitationId: uuidParam },
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Revoke an invitation",
			tags,
			status: 204,
			errors: [404],
		},
		handler: revokeInvitation,
	},

	acceptInvitation: {
		rest: "POST /invitations/:token/accept",
		// A malformed token is an unknown one: the gateway answers 404 for a bad path value.
		params: { token: { type: "string", pattern: "^[0-9A-Za-z]{26}$" } },
		openapi: {
			summary: "Accept a crew invitation",
			tags,
			response: "InvitationAcceptance",
			errors: [404, 409],
		},
		handler: acceptInvitation,
	},
};
