/** Response headers every gateway answer carries (§1.10); CORS is in cors.ts. */
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
