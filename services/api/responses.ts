/**
 * Writing answers the gateway produces itself: error envelopes (with 405 detection),
 * idempotent replays and conditional GETs of public, cacheable answers.
 */
import type { ServerResponse } from "node:http";
import { sha256Hex } from "../../shared/ids";
import { envelope, mapError, type ErrorEnvelope, type MappedError } from "./errors";
import type { StoredResponse } from "./idempotency";
import type { GatewayRequest } from "./body";

interface RoutedRequest extends GatewayRequest {
	$alias?: { keys?: { name: string }[] };
}

interface Alias {
	method: string;
	match(url: string): unknown;
}

/** Methods some alias accepts at this path; empty when the path itself is unknown. */
export function allowedMethods(aliases: Alias[], url: string): string[] {
	const methods = aliases.filter((a) => a.method !== "*" && a.match(url)).map((a) => a.method);
	return [...new Set(methods)].sort();
}

/** Maps any failure to its envelope, turning "no route" into 405 where the path exists. */
export function errorAnswer(
	req: RoutedRequest,
	res: ServerResponse,
	err: unknown,
	aliases: Alias[],
): { error: MappedError; body: ErrorEnvelope } {
	const sources = {
		path: new Set((req.$alias?.keys ?? []).map((key) => key.name)),
		query: new Set(Object.keys(req.query ?? {})),
	};
	let error = mapError(err, sources);
	if (error.code === "ROUTE_NOT_FOUND") {
		const allowed = allowedMethods(aliases, req.parsedUrl ?? (req.url ?? "").split("?")[0]);
		if (allowed.length > 0) {
			res.setHeader("Allow", allowed.join(", "));
			error = {
				...error,
				status: 405,
				code: "METHOD_NOT_ALLOWED",
				message: "This path does not accept this method.",
			};
		}
	}
	if (error.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="kasify"');
	if (error.status === 503 && !res.hasHeader("Retry-After")) res.setHeader("Retry-After", "5");
	const requestId = req.$requestId ?? String(res.getHeader("X-Request-Id") ?? "");
	return { error, body: envelope(error, requestId) };
}

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
	if (res.headersSent) return void res.end();
	res.statusCode = status;
	res.setHeader("Content-Type", "application/json; charset=utf-8");
	res.end(JSON.stringify(body));
}

export function writeReplay(res: ServerResponse, replay: StoredResponse): void {
	res.setHeader("Idempotency-Replayed", "true");
	if (replay.location) res.setHeader("Location", replay.location);
	if (replay.body === null || replay.body === undefined || replay.status === 204) {
		res.statusCode = replay.status;
		return void res.end();
	}
	writeJson(res, replay.status, replay.body);
}

/**
 * Adds a strong ETag to a GET answer an operation marked `Cache-Control: public`, and
 * answers 304 when the client already has it. Returns true when the 304 was sent.
 */
export function answeredNotModified(
	req: GatewayRequest,
	res: ServerResponse,
	data: unknown,
	headers: Record<string, string>,
): boolean {
	const cacheControl = headers["Cache-Control"];
	if (req.method !== "GET" || !cacheControl?.startsWith("public")) return false;
	if (data === null || typeof data !== "object" || Buffer.isBuffer(data)) return false;
	const etag = `"${sha256Hex(JSON.stringify(data)).slice(0, 32)}"`;
	res.setHeader("ETag", etag);
	if (req.headers["if-none-match"] !== etag) return false;
	res.setHeader("Cache-Control", cacheControl);
	res.statusCode = 304;
	res.end();
	return true;
}
