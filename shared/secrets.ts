/**
 * Authenticated encryption (AES-256-GCM) for secrets kept at rest: stored idempotent
 * responses (which may carry a freshly created token) and, later, integration credentials.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v1";

/** A 32-byte key derived from the configured secret, whatever its length. */
export const keyFrom = (secret: string): Buffer => createHash("sha256").update(secret).digest();

export function seal(plain: string, key: Buffer): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv("aes-256-gcm", key, iv);
	const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
	const tag = cipher.getAuthTag();
	return [
		VERSION,
		iv.toString("base64url"),
		tag.toString("base64url"),
		body.toString("base64url"),
	].join(".");
}

/** Decrypts what `seal` produced; throws when it was altered or sealed with another key. */
export function open(sealed: string, key: Buffer): string {
	const [version, iv, tag, body] = sealed.split(".");
	if (version !== VERSION || !iv || !tag || body === undefined) {
		throw new Error("Not a sealed value");
	}
	const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
	decipher.setAuthTag(Buffer.from(tag, "base64url"));
	return Buffer.concat([
		decipher.update(Buffer.from(body, "base64url")),
		decipher.final(),
	]).toString("utf8");
}
