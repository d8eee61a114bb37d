/**
 * Enforces the `propertyAccess` rule of an action (see ./types) before its handler runs:
 *
 * - the caller's role on the property comes from `properties.roleOf` (through the shared role
 *   cache first);
 * - no role, or no such property → 404 NOT_FOUND, so existence is never revealed (§1.5);
 * - a role the rule does not list → 403 FORBIDDEN;
 * - otherwise the handler finds the resolved access in `ctx.locals.propertyAccess`.
 *
 * Moleculer runs user middlewares inside its own, so parameter validation has already
 * happened: a malformed body is 422 for anyone, which tells nothing about the property.
 */
import type { ActionSchema, Context, ServiceBroker } from "moleculer";
import type { RequestMeta } from "../context";
import { ApiError, forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import { cachedRole } from "./role-cache";
import type { PropertyAccess, PropertyAccessRule, RoleAnswer } from "./types";

type Handler = (ctx: Context<unknown, RequestMeta>) => Promise<unknown>;

interface AccessLocals {
	propertyAccess?: PropertyAccess;
}

/** The property id named by the rule: a path or body parameter, or a multipart upload's. */
function propertyIdOf(ctx: Context<unknown, RequestMeta>, param: string): unknown {
	const params = ctx.params as Record<string, unknown> | null;
	const fromParams = params && typeof params === "object" ? params[param] : undefined;
	if (fromParams !== undefined) return fromParams;
	// Streamed actions (multipart uploads) receive their path parameters in meta.
	return (ctx.meta.$params as Record<string, unknown> | undefined)?.[param];
}

/** The caller's role on a property: the shared cache first, then `properties.roleOf`. */
export async function resolveRole(
	broker: ServiceBroker,
	ctx: Context<unknown, RequestMeta>,
	propertyId: string,
	userId: string,
): Promise<RoleAnswer | null> {
	const cached = await cachedRole(broker, propertyId, userId);
	if (cached) return cached;
	return ctx.call<RoleAnswer | null, { propertyId: string; userId: string }>(
		"properties.roleOf",
		{ propertyId, userId },
	);
}

export const PropertyAccessMiddleware = {
	name: "PropertyAccess",

	localAction(next: Handler, action: ActionSchema): Handler {
		const rule = action.propertyAccess;
		if (!rule) return next;
		return async function checkPropertyAccess(ctx) {
			try {
				// A fresh object: child contexts share `locals`, and a nested check on another
				// property must not overwrite this one.
				ctx.locals = { ...(ctx.locals as object), propertyAccess: await check(ctx, rule) };
			} catch (err) {
				drainUpload(ctx);
				throw err;
			}
			return next(ctx);
		};
	},
};

/** A refused upload is read to its end and dropped, so its sender is not left hanging. */
function drainUpload(ctx: Context<unknown, RequestMeta>): void {
	const stream = ctx.params as { resume?: () => void; on?: unknown } | null;
	if (typeof stream?.resume === "function" && typeof stream.on === "function") stream.resume();
}

/** The caller's access to the property named by `rule.param`, or the documented error. */
async function check(
	ctx: Context<unknown, RequestMeta>,
	rule: PropertyAccessRule,
): Promise<PropertyAccess> {
	const userId = ctx.meta.user?.id;
	if (!userId) {
		// Only internal callers reach an action without a user: the gateway requires one.
		throw new ApiError(401, "UNAUTHENTICATED", "This operation requires a user.");
	}
	const raw = propertyIdOf(ctx, rule.param);
	if (!isUuid(raw)) throw notFound("property");
	const propertyId = raw.toLowerCase();

	const answer = await resolveRole(ctx.broker, ctx, propertyId, userId);
	if (!answer) throw notFound("property");
	if (!rule.roles.includes(answer.role)) throw forbidden();

	return { ...answer, propertyId };
}

/** The access the middleware resolved for this request. */
export function propertyAccessOf(ctx: Context<unknown, RequestMeta>): PropertyAccess {
	const access = (ctx.locals as AccessLocals | undefined)?.propertyAccess;
	if (!access) throw new Error("propertyAccessOf() used on an action without propertyAccess");
	return access;
}
