/**
 * Recognises an image by its first bytes. Uploads are judged by what they contain, never by the
 * file name or the declared type (§11.7): a PNG named `.jpg` is a PNG, and a text file named
 * `.jpg` is nothing we decode. Only the formats below ever reach the decoder, which keeps
 * libvips' other loaders (SVG, PDF, TIFF, GIF…) away from untrusted input.
 */

export type ImageFormat = "jpeg" | "png" | "webp" | "avif" | "heic";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** ISO-BMFF brands (ISO/IEC 23008-12, AV1 image format) naming AVIF and HEVC-coded HEIF. */
const AVIF_BRANDS = new Set(["avif", "avis"]);
const HEIC_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]);

const ascii = (buf: Buffer, start: number, end: number) => buf.toString("latin1", start, end);

/** The brands of an ISO-BMFF `ftyp` box: the major brand, then the compatible ones. */
function ftypBrands(buf: Buffer): string[] {
	if (buf.length < 16 || ascii(buf, 4, 8) !== "ftyp") return [];
	const boxSize = Math.min(buf.readUInt32BE(0), buf.length);
	const brands = [ascii(buf, 8, 12)];
	// Bytes 12–15 are the minor version; compatible brands follow, four bytes each.
	for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(buf, at, at + 4));
	return brands;
}

export function detectImageFormat(buf: Buffer): ImageFormat | null {
	if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return "jpeg";
	if (buf.subarray(0, 8).equals(PNG_SIGNATURE)) return "png";
	if (buf.length >= 12 && ascii(buf, 0, 4) === "RIFF" && ascii(buf, 8, 12) === "WEBP") {
		return "webp";
	}
	const brands = ftypBrands(buf);
	// AVIF files usually list `mif1` too: an AV1 brand anywhere decides.
	if (brands.some((brand) => AVIF_BRANDS.has(brand))) return "avif";
	if (brands.some((brand) => HEIC_BRANDS.has(brand))) return "heic";
	return null;
}
