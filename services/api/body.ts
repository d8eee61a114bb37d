/**
 * Request body handling (§1.10): JSON bodies need `application/json` (PATCH also takes
 * `application/merge-patch+json`), are at most 1 MiB and must be an object. The raw bytes are
 * kept for the idempotency fingerprint.
 *
 * Uploads (`multipart/form-data`, at most 10 MiB of file plus 64 KiB of overhead) are read into
 * memory by the gateway before moleculer-web's busboy parses them; see `readMultipartBody`.
 */
import bodyParser from "body-parser";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
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
/** The whole multipart request: a 10 MiB file and 64 KiB of part headers and fields. */
export const MULTIPART_LIMIT_BYTES = 10 * 1024 * 1024 + 64 * 1024;

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

const tooLarge = () =>
	new ApiError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than 10 MiB + 64 KiB.");

const unreadable = (message: string) =>
	new ApiError(422, "VALIDATION_FAILED", "The request body is invalid.", [
		{ field: null, message },
	]);

/** The multipart boundary of the Content-Type header (RFC 2046 §5.1.1), quoted or not. */
export function multipartBoundary(req: IncomingMessage): string | null {
	const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(
		req.headers["content-type"] ?? "",
	);
	return match ? (match[1] ?? match[2]) : null;
}

/** What is wrong with a request to an upload operation, known from its headers alone. */
function multipartProblem(req: IncomingMessage): ApiError | undefined {
	if (mediaType(req) !== "multipart/form-data" || !multipartBoundary(req)) {
		return unsupported("This operation needs multipart/form-data with a boundary.");
	}
	// Refused before a byte is read; chunked uploads are counted in `readMultipartBody`.
	if (Number(req.headers["content-length"] ?? 0) > MULTIPART_LIMIT_BYTES) return tooLarge();
	return undefined;
}

/**
 * Parses JSON bodies. `isMultipart` names the requests whose alias takes a file upload: only
 * their headers are checked here, the body is read after authentication (`readMultipartBody`).
 */
export function jsonBody(isMultipart: (req: GatewayRequest) => boolean) {
	return (req: GatewayRequest, res: ServerResponse, next: Next) => {
		if (req.method === "GET" || req.method === "HEAD") {
			req.body = {};
			return next();
		}
		if (isMultipart(req)) return next(multipartProblem(req));
		if (!hasBody(req)) {
			req.body = {};
			return next();
		}
		const type = mediaType(req);
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

/**
 * Reads a whole multipart body into memory, refusing more than `MULTIPART_LIMIT_BYTES`.
 *
 * Why buffer: the idempotency fingerprint covers the body (§1.9), and the key must be reserved
 * before the upload's action runs, yet moleculer-web starts the action as soon as busboy meets
 * the file part, while the body is still arriving. Reading the body first (bounded, and only
 * for callers that passed authentication and rate limits) gives the hash before anything runs;
 * `pipeFromBuffer` then hands the same bytes to busboy. The action buffers the file anyway,
 * since images are decoded whole.
 *
 * Past the limit the rest of the body is read and dropped, not kept: the client, still sending,
 * then receives the 413 instead of a reset connection. The gateway's request timeout bounds how
 * long that may take.
 */
export function readMultipartBody(req: IncomingMessage, boundary: string): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const fail = (err: ApiError) => {
			if (settled) return;
			settled = true;
			chunks.length = 0;
			reject(err);
		};
		req.on("data", (chunk: Buffer) => {
			if (settled) return;
			size += chunk.length;
			if (size > MULTIPART_LIMIT_BYTES) return fail(tooLarge());
			chunks.push(chunk);
		});
		req.on("end", () => {
			if (settled) return;
			const body = Buffer.concat(chunks, size);
			// Without its closing delimiter the body was cut short: busboy would fail with a
			// bare error (a 500) part-way through the action.
			if (!body.includes(`--${boundary}--`)) {
				return fail(unreadable("The multipart body is incomplete."));
			}
			settled = true;
			resolve(body);
		});
		req.on("error", () => fail(unreadable("The upload was interrupted.")));
		req.on("close", () => fail(unreadable("The upload was interrupted.")));
	});
}

/**
 * Busboy hands the file on in the slices it is fed, and the transporter sends each slice to the
 * action as one message of JSON, where a byte takes up to four characters: 64 KiB slices stay
 * far below NATS' 1 MiB message limit (Moleculer's own 256 KiB cut does not).
 */
const FEED_SLICE_BYTES = 64 * 1024;

function* slices(body: Buffer) {
	for (let at = 0; at < body.length; at += FEED_SLICE_BYTES) {
		yield body.subarray(at, at + FEED_SLICE_BYTES);
	}
}

/**
 * moleculer-web parses an upload with `req.pipe(busboy)`; once `readMultipartBody` has consumed
 * the socket, `pipe` must feed the buffered bytes instead. `instead` may answer the request
 * itself (an idempotent replay): busboy is then never fed, so the action never runs.
 */
export function pipeFromBuffer(req: IncomingMessage, body: Buffer, instead: () => boolean): void {
	Object.defineProperty(req, "pipe", {
		configurable: true,
		value: <T extends NodeJS.WritableStream>(destination: T): T => {
			if (instead()) return destination;
			return Readable.from(slices(body), { objectMode: false }).pipe(destination);
		},
	});
}

/**
 * moleculer-web's error when a multipart body has no file part, as the API's 422 (§11.7). The
 * API's only upload, the cover image, names its file field `file`.
 */
export function missingFileError(err: unknown): ApiError | null {
	if ((err as Error | null)?.message !== "File missing in the request") return null;
	return new ApiError(422, "VALIDATION_FAILED", "The request body is invalid.", [
		{ field: "file", message: "A file is required." },
	]);
}
