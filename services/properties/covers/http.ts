import type { RestSchema } from "moleculer";
/**
 * The HTTP side of cover images, for the properties service's actions: reading the file of a
 * multipart upload (§11.7) and answering a request for a cover file (§11.9).
 */
import type { Readable } from "node:stream";
import type { RequestContext } from "../../../shared/context";
import { ApiError, notFound } from "../../../shared/errors";
import type { CoverStore } from "./cover-store";

/** The multipart field that carries the image. */
export const UPLOAD_FIELD = "file";
/** 10 MiB, the largest accepted file (§11.7). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * moleculer-web options for the upload alias (`rest: { …, type: "multipart", busboyConfig }`):
 * one file, so that the gateway answers with the action's result rather than an array of one.
 *
 * Deliberately no `fileSize`: past it moleculer-web destroys the file stream with an error that
 * can fire before anyone listens (an uncaught exception in the gateway). `readUpload` enforces
 * the 10 MiB instead, and the gateway never reads more than 10 MiB + 64 KiB of body.
 */
export const COVER_BUSBOY_CONFIG = { limits: { files: 1 } };

/** The `rest` of an upload action: `POST <path>` as a multipart alias. */
export function coverUploadRest(path: string): RestSchema {
	return { method: "POST", path, type: "multipart", busboyConfig: COVER_BUSBOY_CONFIG };
}

/** Cover files never change under a URL: a new upload gets a new key (§11.7, §11.9). */
const CACHE_CONTROL = "public, max-age=31536000, immutable";

const fileRequired = () =>
	new ApiError(422, "VALIDATION_FAILED", "The request body is invalid.", [
		{ field: UPLOAD_FIELD, message: "A file is required." },
	]);

const tooLarge = () =>
	new ApiError(413, "PAYLOAD_TOO_LARGE", "The file is larger than 10 MiB.", [
		{ field: UPLOAD_FIELD, message: `At most ${MAX_UPLOAD_BYTES} bytes.` },
	]);

function isStream(value: unknown): value is Readable {
	const candidate = value as Partial<Readable> | null;
	return typeof candidate?.pipe === "function" && typeof candidate.on === "function";
}

/**
 * Reads a stream to its end, dropping the data; resolves on its end or error.
 *
 * Moleculer 0.14 forgets a streamed request's incoming stream as soon as the action fails; the
 * chunks still on their way then open an orphan stream that nobody listens to, whose error,
 * when the gateway node later disconnects, is thrown as an uncaught exception. An action (or a
 * middleware) that refuses a streamed request must therefore drain the stream first, then fail.
 */
export function drainStream(stream: Readable): Promise<void> {
	return new Promise((resolve) => {
		if (stream.readableEnded || stream.destroyed) return resolve();
		stream.on("end", resolve).on("error", () => resolve());
		stream.resume();
	});
}

/**
 * Reads the uploaded file of a multipart action (moleculer-web passes it as `ctx.params`, its
 * field name in `ctx.meta.fieldname`) into memory, refusing more than 10 MiB with 413.
 *
 * A refused file is still read to its end, only not kept, before the refusal (`drainStream`).
 * The gateway reads at most 10 MiB + 64 KiB of any upload, so that end is never far.
 */
export async function readUpload(ctx: RequestContext<unknown>): Promise<Buffer> {
	const file: unknown = ctx.params;
	if (!isStream(file)) throw fileRequired();
	if (ctx.meta.fieldname !== UPLOAD_FIELD) {
		await drainStream(file);
		throw fileRequired();
	}

	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let refusal: ApiError | null = null;
		file.on("data", (chunk: Buffer) => {
			if (refusal) return;
			size += chunk.length;
			if (size <= MAX_UPLOAD_BYTES) return void chunks.push(chunk);
			refusal = tooLarge();
			chunks.length = 0;
		});
		file.on("end", () => (refusal ? reject(refusal) : resolve(Buffer.concat(chunks, size))));
		// The stream is over once it fails. Should a route set busboy's `fileSize` after all,
		// moleculer-web's cut-off is a 413 too.
		file.on("error", (err: { code?: unknown }) => reject(err?.code === 413 ? tooLarge() : err));
	});
}

/** `If-None-Match` holds `*` or a list of entity tags, compared weakly (RFC 9110 §13.1.2). */
function matches(ifNoneMatch: unknown, etag: string): boolean {
	if (typeof ifNoneMatch !== "string") return false;
	return ifNoneMatch
		.split(",")
		.map((tag) => tag.trim().replace(/^W\//, ""))
		.some((tag) => tag === "*" || tag === etag);
}

/**
 * Answers `GET /v1/media/covers/{key}/{width}.webp`: the WebP file as a stream with its
 * `ETag` and a year-long immutable cache, or an empty 304 when the client's `If-None-Match`
 * (copied by the gateway into `ctx.meta.ifNoneMatch`) already names it. Unknown key or width
 * → 404 NOT_FOUND.
 *
 * A stream rather than a Buffer: a returned Buffer crosses the transporter as one JSON message,
 * which a large variant can push past NATS' message size limit; a stream goes in chunks.
 */
export async function serveCover(
	ctx: RequestContext<unknown>,
	store: CoverStore,
	key: string,
	width: string | number,
): Promise<Readable | null> {
	const cover = await store.read(key, width);
	if (!cover) throw notFound("cover image");

	const headers: Record<string, string> = {
		ETag: cover.etag,
		"Cache-Control": CACHE_CONTROL,
		// Pages on other origins embed covers (`<img>` on check-in pages): the gateway's
		// same-site default would make browsers refuse them.
		"Cross-Origin-Resource-Policy": "cross-origin",
	};
	if (matches(ctx.meta.ifNoneMatch, cover.etag)) {
		cover.data.destroy();
		ctx.meta.$statusCode = 304;
		ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, ...headers };
		return null;
	}
	ctx.meta.$responseType = "image/webp";
	ctx.meta.$responseHeaders = {
		...ctx.meta.$responseHeaders,
		...headers,
		"Content-Length": String(cover.length),
	};
	return cover.data;
}
