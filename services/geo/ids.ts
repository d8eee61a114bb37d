/**
 * Geo ids are name-based UUIDs (RFC 4122 version 5), derived from the ISO or INE code: every
 * deployment and every re-import gives a row the same id, so references stored elsewhere
 * (a property's province and city) never dangle.
 */
import { createHash } from "node:crypto";

/** Kasify's namespace for geo ids. Changing it would change every id: never do. */
export const GEO_ID_NAMESPACE = "be32ddf3-a4bc-4531-8fb6-56e626e47f2f";

/** RFC 4122 §4.3: SHA-1 of namespace bytes + name, with version 5 and the RFC variant set. */
export function uuidV5(name: string, namespace: string): string {
	const hash = createHash("sha1")
		.update(Buffer.from(namespace.replace(/-/g, ""), "hex"))
		.update(name, "utf8")
		.digest();
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString("hex");
	return [
		hex.slice(0, 8),
		hex.slice(8, 12),
		hex.slice(12, 16),
		hex.slice(16, 20),
		hex.slice(20),
	].join("-");
}

/** Id of a country from its ISO 3166-1 alpha-2 code (`ES`). */
export const countryId = (alpha2: string) => uuidV5(`country:${alpha2}`, GEO_ID_NAMESPACE);

/** Id of a Spanish province from its 2-digit INE code (`28`). */
export const provinceId = (inePro: string) => uuidV5(`province:${inePro}`, GEO_ID_NAMESPACE);

/** Id of a Spanish municipality from its 5-digit INE code (`28079`). */
export const cityId = (ineCode: string) => uuidV5(`city:${ineCode}`, GEO_ID_NAMESPACE);
