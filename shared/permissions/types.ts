/**
 * Per-property roles (spec §1.5, §18) and the `propertyAccess` key that any action may declare
 * to have them enforced by the PropertyAccess middleware.
 */
import "moleculer";

export const PROPERTY_ROLES = ["owner", "manager", "staff", "contractor"] as const;
export type PropertyRole = (typeof PROPERTY_ROLES)[number];

/** Roles that see the full property (secrets, team, guest data); the rest see it redacted. */
export const FULL_VIEW_ROLES: readonly PropertyRole[] = ["owner", "manager"];

export interface PropertyAccessRule {
	/** Name of the parameter (path or body) that holds the property id. */
	param: string;
	/** Roles allowed to call the action; any other role gets 403, no role at all 404. */
	roles: readonly PropertyRole[];
}

/** What `properties.roleOf` answers: the caller's standing on one property. */
export interface RoleAnswer {
	role: PropertyRole;
	/** Task types a staff or contractor member covers; empty for owners and managers. */
	services: string[];
	/** The account that owns the property (for events and account-scoped data). */
	accountId: string;
}

/** Put on `ctx.locals.propertyAccess` for the handler once the check has passed. */
export interface PropertyAccess extends RoleAnswer {
	propertyId: string;
}

declare module "moleculer" {
	interface ActionSchema {
		/**
		 * Restricts the action to callers holding one of `roles` on the property named by
		 * `params[param]`. Enforced by the PropertyAccess middleware (shared/permissions).
		 */
		propertyAccess?: PropertyAccessRule;
	}
}
