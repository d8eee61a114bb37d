/**
 * Request body handling (§1.10): JSON bodies need `application/json` (PATCH also takes
 * `application/merge-patch+json`), are at most 1 MiB and must be an object. The raw bytes are
 * kept for the idempotency fingerprint.
 */
import bodyParser from "body-parser";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../../shared/errors";

export interface GatewayRequest extends IncomingMessage {
	body?: unknown;
	rawBody?: Buffer;
	query?: Record<string, unknown>;
	parsedUrl?: string;
	originalUrl?: string;
	$requestId?: string;
	/** The gateway service handling the request (set by moleculer-web). */
	$service?: unknown;
}

type Next = (err?: unknown) => void;

export const JSON_LIMIT_BYTES = 1024 * 1024;

const parseJson = bodyParser.json({
	limit: JSON_LIMIT_BYTES,
	strict: true,
	type: ["application/json", "application/merge-patch+json", "application/*+json"],
	verify: (req: GatewayRequest, _res: ServerResponse, buf: Buffer) => {
		req.rawBody = buf;
	},
});

function hasBody(req: IncomingMessage): boolean {
	const length = req.headers["content-length"];
	if (length !== undefined) return Number(length) > 0;
	return req.headers["transfer-encoding"] !== undefined;
}

function mediaType(req: IncomingMessage): string {
	return (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

const unsupported = (message: string) => new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", message);

/**
 * Parses JSON bodies. `multipart` names the requests whose alias takes a file upload: their
 * stream is left to moleculer-web's multipart handling.
 */
export function jsonBody(isMultipart: (req: GatewayRequest) => boolean) {
	return (req: GatewayRequest, res: ServerResponse, next: Next) => {
		if (!hasBody(req) || req.method === "GET" || req.method === "HEAD") {
			req.body = {};
			return next();
		}
		const type = mediaType(req);
		if (isMultipart(req)) {
			return type === "multipart/form-data"
				? next()
				: next(unsupported("This operation needs multipart/form-data."));
		}
		const jsonTypes = ["application/json"];
		if (req.method === "PATCH") jsonTypes.push("application/merge-patch+json");
		if (!jsonTypes.includes(type)) {
			return next(unsupported(`The body must be sent as ${jsonTypes.join(" or ")}.`));
		}
		parseJson(req, res, (err?: unknown) => {
			if (err) return next(err);
			const body = req.body;
			if (body === null || typeof body !== "object" || Array.isArray(body)) {
				return next(new ApiError(400, "MALFORMED_JSON", "The body must be a JSON object."));
			}
			next();
		});
	};
}
