/**
 * Turns an uploaded cover image into the WebP variants the API serves (§11.7): orientation
 * applied, every piece of metadata dropped, one file per width, never upscaled.
 *
 * The upload is decoded once, oriented and scaled to the largest variant into raw pixels; the
 * smaller variants are scaled from those pixels. Raw pixels carry no EXIF, GPS, XMP, IPTC, ICC
 * or comments at all, so nothing of the original can leak into the files, whatever sharp's
 * defaults become.
 */
import sharp, { type SharpOptions } from "sharp";
import { ApiError } from "../errors";
import { detectImageFormat, type ImageFormat } from "./image-format";

export { detectImageFormat, type ImageFormat } from "./image-format";

export interface CoverVariant {
	width: number;
	height: number;
	/** A WebP file. */
	data: Buffer;
}

/** The widths served, smallest first (§11.7). */
export const COVER_WIDTHS: readonly number[] = [320, 640, 1280, 1920];
/** Larger images are refused before decoding: 40 megapixels. */
export const MAX_PIXELS = 40_000_000;
/** Smaller images make a poor cover: refused. */
export const MIN_SHORT_SIDE = 200;

const WEBP_QUALITY = 80;

const DECODE_OPTIONS: SharpOptions = {
	// Truncated or corrupt data is refused; mere warnings (common in camera JPEGs) are not.
	failOn: "error",
	// libvips checks this before allocating: a small file declaring huge dimensions (a
	// decompression bomb) fails here instead of taking the memory.
	limitInputPixels: MAX_PIXELS,
	// Applies the EXIF orientation; the tag itself goes with the rest of the metadata.
	autoOrient: true,
};

/** The container sharp must report for each sniffed format; AVIF and HEIC are both HEIF. */
const DECODER_FORMAT: Record<ImageFormat, string> = {
	jpeg: "jpeg",
	png: "png",
	webp: "webp",
	avif: "heif",
	heic: "heif",
};

const unsupported = (message: string) => new ApiError(422, "UNSUPPORTED_IMAGE", message);

/**
 * The widths to produce for a source `sourceWidth` pixels wide: every standard width that
 * fits, and the source width itself as the largest variant when it is below the largest
 * standard width.
 */
export function coverWidths(sourceWidth: number): number[] {
	const widths = COVER_WIDTHS.filter((width) => width <= sourceWidth);
	const largest = COVER_WIDTHS[COVER_WIDTHS.length - 1];
	if (sourceWidth < largest && !widths.includes(sourceWidth)) widths.push(sourceWidth);
	return widths;
}

/** Upright dimensions of the image, after checking the decoder agrees with the sniffed format. */
async function uprightSize(input: Buffer, format: ImageFormat) {
	let metadata;
	try {
		// Only the header is read here, so no pixel limit: the caller reports the size itself.
		metadata = await sharp(input, { ...DECODE_OPTIONS, limitInputPixels: false }).metadata();
	} catch {
		throw unsupported("The image could not be read.");
	}
	if (metadata.format !== DECODER_FORMAT[format]) {
		throw unsupported("The image content does not match its format.");
	}
	return metadata.autoOrient;
}

/** Decodes, orients and scales the upload to `width`, as raw sRGB pixels, 8 bits a sample. */
async function decode(input: Buffer, width: number) {
	try {
		return await sharp(input, DECODE_OPTIONS)
			.resize({ width, withoutEnlargement: true })
			.toColourspace("srgb")
			.raw({ depth: "uchar" })
			.toBuffer({ resolveWithObject: true });
	} catch {
		// HEIC lands here when the installed libvips has no HEVC decoder (sharp's prebuilt
		// binaries decode AVIF only): the spec accepts HEIC only where it can be decoded.
		throw unsupported("The image could not be decoded.");
	}
}

/**
 * Validates an uploaded image and returns its WebP variants, smallest first. Anything that is
 * not a decodable JPEG, PNG, WebP or AVIF (or HEIC where supported), or that is outside the
 * pixel limits, is refused with `422 UNSUPPORTED_IMAGE`.
 */
export async function processCover(input: Buffer): Promise<CoverVariant[]> {
	const format = detectImageFormat(input);
	if (!format) throw unsupported("The file is not a JPEG, PNG, WebP or AVIF image.");

	const { width, height } = await uprightSize(input, format);
	if (width * height > MAX_PIXELS) {
		throw unsupported(`The image exceeds ${MAX_PIXELS / 1_000_000} megapixels.`);
	}
	if (Math.min(width, height) < MIN_SHORT_SIDE) {
		throw unsupported(`The image must be at least ${MIN_SHORT_SIDE} px on its shorter side.`);
	}

	const widths = coverWidths(width);
	const { data, info } = await decode(input, widths[widths.length - 1]);
	const raw = { width: info.width, height: info.height, channels: info.channels };

	// One at a time: each encode already uses sharp's thread pool.
	const variants: CoverVariant[] = [];
	for (const target of widths) {
		const encoded = await sharp(data, { raw })
			.resize({ width: target })
			.webp({ quality: WEBP_QUALITY })
			.toBuffer({ resolveWithObject: true });
		variants.push({
			width: encoded.info.width,
			height: encoded.info.height,
			data: encoded.data,
		});
	}
	return variants;
}
