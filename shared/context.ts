/** What the gateway tells every service about the request it forwards. */
import type { Context } from "moleculer";

export interface Caller {
	/** User id (uuid) once registered; null for a valid JWT whose subject has not registered. */
	id: string | null;
	accountId: string | null;
	sub: string;
	email: string | null;
	emailVerified: boolean;
	isAdmin: boolean;
	/** How the caller authenticated: a JWT from the identity provider or a personal token. */
	via: "jwt" | "pat";
	/** Id of the personal access token, when `via` is "pat". */
	tokenId: string | null;
	givenName: string | null;
	familyName: string | null;
}

export interface RequestMeta {
	user?: Caller | null;
	$statusCode?: number;
	$responseHeaders?: Record<string, string>;
	$responseType?: string;
	[key: string]: unknown;
}

export type RequestContext<P = Record<string, unknown>> = Context<P, RequestMeta>;

/** The caller of an operation that requires a registered user (the gateway guarantees it). */
export function registeredCaller(ctx: RequestContext<unknown>): Caller & {
	id: string;
	accountId: string;
} {
	const user = ctx.meta.user;
	if (!user?.id || !user.accountId) {
		throw new Error("registeredCaller() used on an operation that is not restricted to users");
	}
	return user as Caller & { id: string; accountId: string };
}

/** Sets the status and `Location` of a 201 response. */
export function created(ctx: RequestContext<unknown>, location: string): void {
	ctx.meta.$statusCode = 201;
	ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, Location: location };
}
