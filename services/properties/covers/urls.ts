/** Public URLs of a cover's variants (§11.7, §11.9). */

/** The width `cover_image_url` points at when the cover has it. */
const PREFERRED_WIDTH = 1280;

export const coverPath = (key: string, width: number): string =>
	`/v1/media/covers/${key}/${width}.webp`;

export interface CoverUrls {
	cover_image_url: string;
	/** Width (as a string key) → URL, one entry per stored variant. */
	cover_image_urls: Record<string, string>;
}

/**
 * The `cover_image_url` and `cover_image_urls` fields of a property whose cover is stored under
 * `key` with these widths. `baseUrl` is the API's public origin, without a trailing slash.
 */
export function coverUrls(baseUrl: string, key: string, widths: number[]): CoverUrls {
	const sorted = [...widths].sort((a, b) => a - b);
	const urls = Object.fromEntries(sorted.map((w) => [String(w), baseUrl + coverPath(key, w)]));
	const main = sorted.includes(PREFERRED_WIDTH) ? PREFERRED_WIDTH : sorted[sorted.length - 1];
	return { cover_image_url: urls[String(main)], cover_image_urls: urls };
}
