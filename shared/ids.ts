/** Identifier and secret generation shared by every service. */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export const newId = (): string => randomUUID();

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string =>
	typeof value === "string" && UUID_PATTERN.test(value);

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A 26-character Crockford base32 code carrying 130 random bits (public links, invitations). */
export function newPublicCode(): string {
	const bytes = randomBytes(17); // 136 bits; the 26 characters use 130 of them
	let bits = 0n;
	for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
	let code = "";
	for (let i = 0; i < 26; i++) {
		code += CROCKFORD[Number(bits & 31n)];
		bits >>= 5n;
	}
	return code;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `length` base62 characters from a CSPRNG, without modulo bias. */
export function randomBase62(length: number): string {
	let out = "";
	while (out.length < length) {
		for (const byte of randomBytes(length * 2)) {
			// 248 = 4 * 62: bytes above it would favour the first characters.
			if (byte < 248 && out.length < length) out += BASE62[byte % 62];
		}
	}
	return out;
}

export const sha256Hex = (value: string | Buffer): string =>
	createHash("sha256").update(value).digest("hex");

/** Compares two secrets in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
	const left = Buffer.from(sha256Hex(a), "hex");
	const right = Buffer.from(sha256Hex(b), "hex");
	return timingSafeEqual(left, right);
}
