/**
 * The cover pipeline (§11.7): formats known by their content, pixel limits, orientation,
 * metadata stripped, WebP widths never upscaled; and the upload reader's 10 MiB cap.
 */
import { Readable } from "node:stream";
import sharp from "sharp";
import {
	coverWidths,
	detectImageFormat,
	processCover,
	type CoverVariant,
} from "../../shared/images/cover-pipeline";
import { readUpload } from "../../services/properties/covers/http";
import type { RequestContext } from "../../shared/context";
import {
	exifTags,
	GPS_INFO_TAG,
	gradient,
	jpeg,
	metadataOf,
	pngWithGps,
	sidewaysJpeg,
} from "../fixtures/images";

const refusedAs = (status: number, type: string) =>
	expect.objectContaining({ name: "ApiError", code: status, type });

async function expectCleanWebp(variant: CoverVariant) {
	const found = await metadataOf(variant.data);
	expect(found).toMatchObject({ format: "webp", width: variant.width, height: variant.height });
	expect(found.exif).toBeUndefined();
	expect(found.icc).toBeUndefined();
	expect(found.xmp).toBeUndefined();
	expect(found.iptc).toBeUndefined();
	expect(found.orientation).toBeUndefined();
}

describe("detectImageFormat", () => {
	it("recognises each accepted format by its first bytes", async () => {
		const source = gradient(240, 240);
		expect(detectImageFormat(await source.clone().jpeg().toBuffer())).toBe("jpeg");
		expect(detectImageFormat(await source.clone().png().toBuffer())).toBe("png");
		expect(detectImageFormat(await source.clone().webp().toBuffer())).toBe("webp");
		expect(detectImageFormat(await source.clone().avif().toBuffer())).toBe("avif");
	});

	it("knows nothing of other content, whatever the file is called", async () => {
		expect(detectImageFormat(Buffer.from("holiday.jpg is not a picture"))).toBeNull();
		expect(detectImageFormat(await gradient(240, 240).gif().toBuffer())).toBeNull();
		expect(
			detectImageFormat(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>")),
		).toBeNull();
		expect(detectImageFormat(Buffer.alloc(0))).toBeNull();
	});
});

describe("coverWidths", () => {
	it.each([
		[2500, [320, 640, 1280, 1920]],
		[1920, [320, 640, 1280, 1920]],
		[1280, [320, 640, 1280]],
		[1000, [320, 640, 1000]],
		[250, [250]],
	])("a source %i px wide gives %j", (source, widths) => {
		expect(coverWidths(source)).toEqual(widths);
	});
});

describe("processCover", () => {
	it("makes every standard width from a large source, keeping the aspect ratio", async () => {
		const variants = await processCover(await jpeg(2500, 1250));
		expect(variants.map((v) => [v.width, v.height])).toEqual([
			[320, 160],
			[640, 320],
			[1280, 640],
			[1920, 960],
		]);
		for (const variant of variants) await expectCleanWebp(variant);
	});

	it("never upscales: the source width is the largest variant", async () => {
		const variants = await processCover(await jpeg(1000, 500));
		expect(variants.map((v) => [v.width, v.height])).toEqual([
			[320, 160],
			[640, 320],
			[1000, 500],
		]);
	});

	it("applies the EXIF orientation, then drops the EXIF", async () => {
		const input = await sidewaysJpeg(1000, 600);
		const before = await metadataOf(input);
		expect(before).toMatchObject({ width: 1000, height: 600, orientation: 6 });
		expect(before.exif).toBeDefined();

		const variants = await processCover(input);
		// Upright the image is 600 × 1000: portrait, and 600 px is its largest width.
		expect(variants.map((v) => [v.width, v.height])).toEqual([
			[320, 533],
			[600, 1000],
		]);
		for (const variant of variants) await expectCleanWebp(variant);
	});

	it("strips GPS coordinates from a PNG that carries them", async () => {
		const input = await pngWithGps(900, 600);
		const { exif } = await metadataOf(input);
		expect(exif && exifTags(exif)).toContain(GPS_INFO_TAG);

		const variants = await processCover(input);
		expect(variants.map((v) => v.width)).toEqual([320, 640, 900]);
		for (const variant of variants) {
			await expectCleanWebp(variant);
			expect(variant.data.includes("Kasify Test Camera")).toBe(false);
		}
	});

	it("accepts WebP and AVIF uploads", async () => {
		for (const input of [
			await gradient(700, 400).webp().toBuffer(),
			await gradient(700, 400).avif().toBuffer(),
		]) {
			const variants = await processCover(input);
			expect(variants.map((v) => v.width)).toEqual([320, 640, 700]);
		}
	});

	it("refuses a truncated JPEG or PNG", async () => {
		for (const whole of [await jpeg(800, 600), await gradient(800, 600).png().toBuffer()]) {
			const cut = whole.subarray(0, Math.floor(whole.length * 0.7));
			await expect(processCover(cut)).rejects.toEqual(refusedAs(422, "UNSUPPORTED_IMAGE"));
		}
	});

	it("refuses a text file, however it is named", async () => {
		const text = Buffer.from("Just a note someone saved as cover.jpg\n".repeat(50));
		await expect(processCover(text)).rejects.toEqual(refusedAs(422, "UNSUPPORTED_IMAGE"));
	});

	it("refuses formats outside the list and HEIC where libvips cannot decode it", async () => {
		const gif = await gradient(400, 400).gif().toBuffer();
		await expect(processCover(gif)).rejects.toEqual(refusedAs(422, "UNSUPPORTED_IMAGE"));
		// An ISO-BMFF header announcing HEIC, then nothing decodable.
		const heic = Buffer.concat([
			Buffer.from([0, 0, 0, 24]),
			Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"),
			Buffer.alloc(512, 7),
		]);
		expect(detectImageFormat(heic)).toBe("heic");
		await expect(processCover(heic)).rejects.toEqual(refusedAs(422, "UNSUPPORTED_IMAGE"));
	});

	it("refuses images under 200 px on their shorter side", async () => {
		await expect(processCover(await jpeg(100, 100))).rejects.toEqual(
			refusedAs(422, "UNSUPPORTED_IMAGE"),
		);
		await expect(processCover(await jpeg(1200, 199))).rejects.toEqual(
			refusedAs(422, "UNSUPPORTED_IMAGE"),
		);
	});

	it("refuses images over 40 megapixels before decoding them", async () => {
		// A few kilobytes that would decode to 40.008 megapixels: a small decompression bomb.
		const huge = await sharp({
			create: { width: 8000, height: 5001, channels: 3, background: "#336699" },
		})
			.png({ compressionLevel: 9 })
			.toBuffer();
		expect(huge.length).toBeLessThan(1024 * 1024);
		await expect(processCover(huge)).rejects.toEqual(refusedAs(422, "UNSUPPORTED_IMAGE"));
		await expect(processCover(huge)).rejects.toThrow("exceeds 40 megapixels");
	});
});

describe("readUpload", () => {
	const contextFor = (params: unknown, fieldname = "file") =>
		({ params, meta: { fieldname } }) as unknown as RequestContext<unknown>;

	/** A stream of `size` bytes in 64 KiB chunks, as a file arrives from the gateway. */
	function fileOf(size: number) {
		const chunk = Buffer.alloc(64 * 1024, 1);
		let left = size;
		return new Readable({
			read() {
				const length = Math.min(left, chunk.length);
				left -= length;
				this.push(length > 0 ? chunk.subarray(0, length) : null);
			},
		});
	}

	it("reads the whole file", async () => {
		const data = await readUpload(contextFor(fileOf(300_000)));
		expect(data.length).toBe(300_000);
	});

	it("accepts exactly 10 MiB and refuses a 12 MB file with 413", async () => {
		expect((await readUpload(contextFor(fileOf(10 * 1024 * 1024)))).length).toBe(10485760);
		await expect(readUpload(contextFor(fileOf(12_000_000)))).rejects.toEqual(
			refusedAs(413, "PAYLOAD_TOO_LARGE"),
		);
	});

	it("turns the gateway's size cut-off into 413", async () => {
		const file = new Readable({ read() {} });
		const reading = readUpload(contextFor(file));
		file.destroy(Object.assign(new Error("Payload too large"), { code: 413 }));
		await expect(reading).rejects.toEqual(refusedAs(413, "PAYLOAD_TOO_LARGE"));
	});

	it("asks for the `file` field when the upload has none", async () => {
		const missing = refusedAs(422, "VALIDATION_FAILED");
		await expect(readUpload(contextFor({}))).rejects.toEqual(missing);
		await expect(readUpload(contextFor(fileOf(10), "photo"))).rejects.toEqual(missing);
		await readUpload(contextFor({})).catch((err) => {
			expect(err.data.details).toEqual([{ field: "file", message: "A file is required." }]);
		});
	});
});
