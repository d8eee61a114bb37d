/**
 * CORS (§1.10). Business operations answer the origins of `CORS_ORIGINS` ("*" = any, then
 * without credentials); public operations (`auth: "public"`: the task link, the iCal export,
 * cover files, geo) answer any origin for GET and POST, never with credentials, so that a
 * host's own web page can show a cleaner's task or a calendar.
 *
 * An origin that is not allowed gets no CORS headers at all, as the browser then refuses to
 * hand the answer to the page; the request itself is answered. moleculer-web would instead
 * fail it with 403, which would also break same-origin pages (browsers send `Origin` on
 * their own POSTs too, the /docs console among them).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServiceBroker } from "moleculer";
import { authMode } from "./access";

const REQUEST_HEADERS = ["Content-Type", "Idempotency-Key", "X-Request-Id", "If-None-Match"];
const EXPOSED_HEADERS = [
	"X-Request-Id",
	"Location",
	"ETag",
	"Retry-After",
	"RateLimit-Limit",
	"RateLimit-Remaining",
	"RateLimit-Reset",
	"Idempotency-Replayed",
];

export interface CorsPolicy {
	origin: "*" | string[];
	methods: string[];
	allowedHeaders: string[];
	exposedHeaders: string[];
	credentials: boolean;
	maxAge: number;
}

/** The policy of the business routes, from `CORS_ORIGINS`. */
export function businessCors(origins: string[]): CorsPolicy {
	const anyOrigin = origins.includes("*");
	return {
		origin: anyOrigin ? "*" : origins,
		methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
		allowedHeaders: ["Authorization", ...REQUEST_HEADERS],
		exposedHeaders: EXPOSED_HEADERS,
		credentials: !anyOrigin && origins.length > 0,
		maxAge: 600,
	};
}

/** The policy of public operations: any origin, GET and POST, no credentials. */
export const PUBLIC_CORS: CorsPolicy = {
	origin: "*",
	methods: ["GET", "POST", "OPTIONS"],
	allowedHeaders: REQUEST_HEADERS,
	exposedHeaders: EXPOSED_HEADERS,
	credentials: false,
	maxAge: 600,
};

export const allowsOrigin = (policy: CorsPolicy, origin: string) =>
	policy.origin === "*" || policy.origin.includes(origin);

/** Names of the actions anyone may call, as the registry knows them now. */
export function publicActionNames(broker: ServiceBroker): Set<string> {
	const list = broker.registry.getActionList({ skipInternal: true, withEndpoints: false });
	return new Set(
		list
			.filter((item) => authMode(item.action as Parameters<typeof authMode>[0]) === "public")
			.map((item) => item.name),
	);
}

/** The method a request will be routed by: a preflight names it in a header. */
export const routedMethod = (req: IncomingMessage) =>
	req.method === "OPTIONS"
		? String(req.headers["access-control-request-method"] ?? "")
		: (req.method ?? "");

export interface RouteWithCors {
	cors?: CorsPolicy;
}

/**
 * The policy to write for this request, or null when it gets no CORS headers (no `Origin`,
 * or one the policy does not allow). `Vary: Origin` is set whenever the answer depends on it.
 */
export function corsFor(
	route: RouteWithCors,
	req: IncomingMessage,
	res: ServerResponse,
	isPublic: boolean,
): CorsPolicy | null {
	const cors = isPublic ? PUBLIC_CORS : route.cors;
	const origin = req.headers.origin;
	if (!cors || !origin) return null;
	if (cors.origin !== "*") res.setHeader("Vary", "Origin");
	return allowsOrigin(cors, origin) ? cors : null;
}
