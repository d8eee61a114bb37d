/** Response headers every gateway answer carries, and the CORS policy (§1.10). */
import type { ServerResponse } from "node:http";

export function applySecurityHeaders(res: ServerResponse): void {
	res.setHeader("X-Content-Type-Options", "nosniff");
	res.setHeader("X-Frame-Options", "DENY");
	res.setHeader("Referrer-Policy", "no-referrer");
	res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
	res.setHeader("Cross-Origin-Resource-Policy", "same-site");
	// API answers are data, never a page; the docs page sets a policy of its own.
	res.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
	// Responses are private unless an operation says otherwise.
	res.setHeader("Cache-Control", "no-store");
}

/**
 * CORS for the business routes. Origins come from `CORS_ORIGINS` ("*" allows any origin,
 * then without credentials); with none configured, browsers on other origins are refused.
 */
export function corsOptions(origins: string[]) {
	const anyOrigin = origins.includes("*");
	return {
		origin: anyOrigin ? "*" : origins.length > 0 ? origins : false,
		methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
		allowedHeaders: [
			"Authorization",
			"Content-Type",
			"Idempotency-Key",
			"X-Request-Id",
			"If-None-Match",
		],
		exposedHeaders: [
			"X-Request-Id",
			"Location",
			"ETag",
			"Retry-After",
			"RateLimit-Limit",
			"RateLimit-Remaining",
			"RateLimit-Reset",
			"Idempotency-Replayed",
		],
		credentials: !anyOrigin && origins.length > 0,
		maxAge: 600,
	};
}
