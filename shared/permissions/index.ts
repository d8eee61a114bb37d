/**
 * Who may do what on a property, for every service: declare `propertyAccess` on an action,
 * register `PropertyAccessMiddleware` in the broker, read `propertyAccessOf(ctx)` in the
 * handler. Cross-property lists ask `properties.accessibleProperties` instead.
 */
export { PropertyAccessMiddleware, propertyAccessOf, resolveRole } from "./middleware";
export {
	cachedRole,
	forgetRoles,
	rememberRole,
	ROLE_CACHE_TTL_S,
	roleCacheKey,
} from "./role-cache";
export {
	FULL_VIEW_ROLES,
	PROPERTY_ROLES,
	type PropertyAccess,
	type PropertyAccessRule,
	type PropertyRole,
	type RoleAnswer,
} from "./types";

/** Property roles with a given standing, for `propertyAccess.roles`. */
export const ANY_ROLE = ["owner", "manager", "staff", "contractor"] as const;
export const OWNER_OR_MANAGER = ["owner", "manager"] as const;
export const OWNER_ONLY = ["owner"] as const;
