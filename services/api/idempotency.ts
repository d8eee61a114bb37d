/**
 * `Idempotency-Key` on POST requests (§1.9), stored in Redis so that every gateway replica
 * sees the same keys.
 *
 * A key is scoped to the caller; its fingerprint is the method, the path without `/v1` and the
 * SHA-256 of the raw body (of a multipart body, with its random boundary left out). While the
 * first request runs, the key holds a short-lived "running" marker (a crashed gateway must not
 * block the key for a day); once answered, it holds the response for 24 hours, encrypted: a
 * replayed creation may carry a secret shown only once.
 */
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import { ApiError } from "../../shared/errors";
import { sha256Hex } from "../../shared/ids";
import { open, seal } from "../../shared/secrets";

export interface StoredResponse {
	status: number;
	body: unknown;
	location: string | null;
}

interface Record {
	fingerprint: string;
	response: StoredResponse | null;
}

export type Reservation =
	| { kind: "new"; redisKey: string; fingerprint: string }
	| { kind: "replay"; response: StoredResponse };

const KEEP_RESPONSE_MS = 24 * 60 * 60 * 1000;
const PRINTABLE_ASCII = /^[\x20-\x7E]{1,255}$/;

export function validateKey(key: string | string[] | undefined): string | null {
	if (key === undefined) return null;
	if (typeof key !== "string" || !PRINTABLE_ASCII.test(key)) {
		throw new ApiError(
			400,
			"INVALID_IDEMPOTENCY_KEY",
			"The Idempotency-Key header is invalid.",
			[{ field: "Idempotency-Key", message: "Must be 1 to 255 printable ASCII characters." }],
		);
	}
	return key;
}

/**
 * SHA-256 of a multipart body with its boundary left out. Clients draw a random boundary each
 * time they serialise a form (browsers and `fetch` do, for every request), so a retry of the
 * same upload differs in exactly those bytes: hashing the parts between the delimiters keeps the
 * retry's fingerprint equal. Each part is hashed with its length first, so that moving bytes
 * from one part to the next changes the digest.
 */
export function multipartDigest(body: Buffer, boundary: string): string {
	const hash = createHash("sha256");
	const delimiter = Buffer.from(`--${boundary}`);
	const length = Buffer.alloc(8);
	let start = 0;
	for (;;) {
		const at = body.indexOf(delimiter, start);
		const part = body.subarray(start, at < 0 ? body.length : at);
		length.writeBigUInt64BE(BigInt(part.length));
		hash.update(length).update(part);
		if (at < 0) break;
		start = at + delimiter.length;
	}
	return hash.digest("hex");
}

/**
 * Method, path without `/v1` and the SHA-256 of the raw body; for a multipart body (when its
 * `boundary` is given), the digest of its parts (`multipartDigest`).
 */
export function fingerprint(
	method: string,
	path: string,
	rawBody: Buffer | undefined,
	boundary?: string,
): string {
	const normalisedPath = path.replace(/^\/v1(?=\/|$)/, "") || "/";
	const body = rawBody ?? Buffer.alloc(0);
	const digest = boundary ? multipartDigest(body, boundary) : sha256Hex(body);
	return `${method} ${normalisedPath} ${digest}`;
}

/** Responses that are not kept: the client may simply try again (§1.9). */
export const isReplayable = (status: number) => status !== 401 && status !== 429 && status < 500;

export class IdempotencyStore {
	constructor(
		private readonly redis: Redis,
		private readonly prefix: string,
		/** How long a request may run before its key is free again. */
		private readonly runningTtlMs: number,
		private readonly key: Buffer,
	) {}

	async reserve(scope: string, key: string, print: string): Promise<Reservation> {
		const redisKey = `${this.prefix}:idem:${sha256Hex(`${scope}\n${key}`)}`;
		const running: Record = { fingerprint: print, response: null };
		try {
			const set = await this.redis.set(
				redisKey,
				seal(JSON.stringify(running), this.key),
				"PX",
				this.runningTtlMs,
				"NX",
			);
			if (set === "OK") return { kind: "new", redisKey, fingerprint: print };
			const existing = await this.redis.get(redisKey);
			if (existing === null) return this.reserve(scope, key, print); // expired meanwhile
			const record = JSON.parse(open(existing, this.key)) as Record;
			if (record.fingerprint !== print) {
				throw new ApiError(
					422,
					"IDEMPOTENCY_KEY_REUSED",
					"This Idempotency-Key was used for another request.",
					[
						{
							field: "Idempotency-Key",
							message: "Already used with a different body or path.",
						},
					],
				);
			}
			if (!record.response) {
				throw new ApiError(
					409,
					"IDEMPOTENCY_KEY_IN_USE",
					"A request with this Idempotency-Key is still running.",
				);
			}
			return { kind: "replay", response: record.response };
		} catch (err) {
			if (err instanceof ApiError) throw err;
			// Fail closed: without the store, a retried POST could run twice (§1.9).
			throw new ApiError(503, "SERVICE_UNAVAILABLE", "The idempotency store is unavailable.");
		}
	}

	async complete(redisKey: string, print: string, response: StoredResponse): Promise<void> {
		if (!isReplayable(response.status)) {
			await this.redis.del(redisKey);
			return;
		}
		const record: Record = { fingerprint: print, response };
		const sealed = seal(JSON.stringify(record), this.key);
		await this.redis.set(redisKey, sealed, "PX", KEEP_RESPONSE_MS);
	}
}
