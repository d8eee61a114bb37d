/**
 * Uploads through the real gateway: multipart limits and errors, idempotent replays of an
 * upload, and cover files stored in GridFS and served with their cache headers. A test-only
 * service wires the cover helpers the way the properties service does.
 */
import { request as httpRequest } from "node:http";
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import sharp from "sharp";
import accounts from "../../services/accounts/accounts.service";
import { CoverStore } from "../../services/properties/covers/cover-store";
import { coverUploadRest, readUpload, serveCover } from "../../services/properties/covers/http";
import { coverUrls } from "../../services/properties/covers/urls";
import type { RequestContext } from "../../shared/context";
import { newPublicCode } from "../../shared/ids";
import { processCover } from "../../shared/images/cover-pipeline";
import { DatabaseMixin, type DatabaseService } from "../../shared/mixins/database.mixin";
import { jpeg, metadataOf, noise, pngWithGps } from "../fixtures/images";
import { client } from "../helpers/http";
import { eventually, startStack, type Stack } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";

type CoverProbe = DatabaseService & { store: CoverStore };
type Ctx = RequestContext<Record<string, string>>;

/** Uploads the action has processed: a replay must not add one. */
let processed = 0;

const coverProbe: ServiceSchema<ServiceSettingSchema, CoverProbe> = {
	name: "coverprobe",
	mixins: [DatabaseMixin(() => ({}))],
	settings: { rest: "/" },
	actions: {
		upload: {
			rest: coverUploadRest("/coverprobe/:id/cover"),
			async handler(this: CoverProbe, ctx: Ctx) {
				const variants = await processCover(await readUpload(ctx));
				const key = newPublicCode();
				await this.store.save(key, variants);
				processed++;
				const widths = variants.map((variant) => variant.width);
				const { $params } = ctx.meta as { $params: { id: string } };
				return { id: $params.id, key, widths, ...coverUrls("", key, widths) };
			},
		},
		remove: {
			rest: "DELETE /coverprobe/covers/:key",
			params: { key: "string" },
			async handler(this: CoverProbe, ctx: Ctx) {
				await this.store.remove(ctx.params.key);
				ctx.meta.$statusCode = 204;
			},
		},
		media: {
			rest: "GET /media/covers/:key/:width.webp",
			auth: "public",
			params: { key: "string", width: "string" },
			handler(this: CoverProbe, ctx: Ctx) {
				return serveCover(ctx, this.store, ctx.params.key, ctx.params.width);
			},
		},
	},
	created(this: CoverProbe) {
		this.store = new CoverStore(this.db);
	},
	async started(this: CoverProbe) {
		await this.store.ensureIndexes();
	},
};

let stack: Stack;
let http: ReturnType<typeof client>;
let token: string;
const UPLOAD_PATH = "/v1/coverprobe/prop-1/cover";

beforeAll(async () => {
	stack = await startStack("multipart", [accounts, coverProbe]);
	http = client(stack.url);
	token = mintJwt({ sub: "cover-owner" });
	expect((await http.post("/v1/auth/register", { token })).status).toBe(201);
});
afterAll(() => stack?.stop());

/**
 * Every upload stream must have ended on the service's node once the request is answered: an
 * open one (Moleculer keeps it in `pendingReqStreams`) blows up as an uncaught error when the
 * gateway node disconnects.
 */
afterEach(async () => {
	const transit = stack.brokers.get("coverprobe")?.transit as unknown as {
		pendingReqStreams: Map<string, unknown>;
	};
	await eventually(async () => (transit.pendingReqStreams.size === 0 ? true : undefined), 3000);
});

/** A form as a browser sends it: a text field, then the file. */
function form(file: Buffer | null, field = "file", name = "cover.jpg"): FormData {
	const body = new FormData();
	body.append("caption", "Sea view");
	if (file) body.append(field, new Blob([file], { type: "image/jpeg" }), name);
	return body;
}

async function upload(body: FormData | Buffer, headers: Record<string, string> = {}) {
	const res = await fetch(stack.url + UPLOAD_PATH, {
		method: "POST",
		headers: { authorization: `Bearer ${token}`, ...headers },
		body,
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** A multipart body written by hand, to choose its boundary. */
function rawForm(boundary: string, file: Buffer, closed = true): Buffer {
	return Buffer.concat([
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nSea view\r\n` +
				`--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
				`filename="cover.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
		),
		file,
		Buffer.from(closed ? `\r\n--${boundary}--\r\n` : "\r\n"),
	]);
}

async function getBytes(path: string, headers: Record<string, string> = {}) {
	const res = await fetch(stack.url + path, { headers });
	return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
}

describe("cover files", () => {
	it("stores the WebP variants and serves them cacheable and without metadata", async () => {
		const res = await upload(form(await pngWithGps(900, 600), "file", "beach.png"));
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ id: "prop-1", widths: [320, 640, 900] });
		expect(res.body.cover_image_url).toBe(`/v1/media/covers/${res.body.key}/900.webp`);

		for (const width of [320, 640, 900]) {
			const path = res.body.cover_image_urls[String(width)];
			const file = await getBytes(path);
			expect(file.status).toBe(200);
			expect(file.headers.get("content-type")).toBe("image/webp");
			expect(file.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
			expect(file.headers.get("content-length")).toBe(String(file.data.length));
			const found = await metadataOf(file.data);
			expect(found).toMatchObject({ format: "webp", width });
			expect([found.exif, found.icc, found.xmp, found.iptc]).toEqual([
				undefined,
				undefined,
				undefined,
				undefined,
			]);

			const etag = file.headers.get("etag") as string;
			expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
			const again = await getBytes(path, { "if-none-match": etag });
			expect(again.status).toBe(304);
			expect(again.data.length).toBe(0);
			expect(again.headers.get("etag")).toBe(etag);
			expect(again.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		}
	});

	it("serves a variant larger than one transporter message intact", async () => {
		const photo = await noise(2000, 1300).jpeg({ quality: 95 }).toBuffer();
		const res = await upload(form(photo));
		expect(res.body.widths).toEqual([320, 640, 1280, 1920]);
		const file = await getBytes(res.body.cover_image_urls["1920"]);
		expect(file.status).toBe(200);
		expect(file.data.length).toBeGreaterThan(600 * 1024);
		expect(file.headers.get("content-length")).toBe(String(file.data.length));
		expect((await sharp(file.data).stats()).isOpaque).toBe(true);
	});

	it("answers 404 for an unknown width or key, and for a removed cover", async () => {
		const res = await upload(form(await jpeg(700, 400)));
		const { key } = res.body;
		expect((await getBytes(`/v1/media/covers/${key}/1280.webp`)).status).toBe(404);
		expect((await getBytes(`/v1/media/covers/${newPublicCode()}/320.webp`)).status).toBe(404);
		expect((await getBytes(`/v1/media/covers/not-a-key/320.webp`)).status).toBe(404);

		const removed = await http.delete(`/v1/coverprobe/covers/${key}`, { token });
		expect(removed.status).toBe(204);
		for (const width of res.body.widths) {
			const gone = await http.get(`/v1/media/covers/${key}/${width}.webp`);
			expect(gone.status).toBe(404);
			expect(gone.body.error.code).toBe("NOT_FOUND");
		}

		// No chunk outlives its file: every chunk left belongs to a stored variant.
		const service = stack.brokers.get("coverprobe")?.getLocalService("coverprobe");
		const db = (service as unknown as CoverProbe).db.db!;
		const files = await db.collection("covers.files").find().toArray();
		expect(files.some((file) => file.filename.startsWith(`${key}/`))).toBe(false);
		const expected = files.reduce((sum, f) => sum + Math.ceil(f.length / f.chunkSize), 0);
		expect(await db.collection("covers.chunks").countDocuments()).toBe(expected);
	});
});

describe("upload errors", () => {
	it("refuses a 12 MB request with 413 before reading it", async () => {
		const res = await upload(form(Buffer.alloc(12 * 1024 * 1024, 0xab)));
		expect(res.status).toBe(413);
		expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
	});

	it("refuses a chunked request once it passes 10 MiB + 64 KiB", async () => {
		const boundary = "kasify-chunked";
		const status = await new Promise<number>((resolve, reject) => {
			const req = httpRequest(stack.url + UPLOAD_PATH, {
				method: "POST",
				headers: {
					authorization: `Bearer ${token}`,
					"content-type": `multipart/form-data; boundary=${boundary}`,
					"transfer-encoding": "chunked",
				},
			});
			req.on("response", (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on("error", reject);
			const chunk = Buffer.alloc(256 * 1024, 0xcd);
			let sent = 0;
			const send = () => {
				while (sent < 11 * 1024 * 1024) {
					sent += chunk.length;
					if (!req.write(chunk)) return void req.once("drain", send);
				}
				req.end();
			};
			req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`);
			send();
		});
		expect(status).toBe(413);
	});

	it("refuses a file over 10 MiB inside a request under the limit", async () => {
		const res = await upload(form(Buffer.alloc(10 * 1024 * 1024 + 4096, 0xef)));
		expect(res.status).toBe(413);
		expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
	});

	it("answers a JSON body on the upload route with 415", async () => {
		const res = await upload(Buffer.from('{"file":"x"}'), {
			"content-type": "application/json",
		});
		expect(res.status).toBe(415);
		expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
	});

	it("asks for the file field with 422 when the form has none", async () => {
		for (const body of [form(null), form(await jpeg(400, 300), "photo")]) {
			const res = await upload(body);
			expect(res.status).toBe(422);
			expect(res.body.error).toMatchObject({
				code: "VALIDATION_FAILED",
				details: [{ field: "file", message: "A file is required." }],
			});
		}
	});

	it("refuses a text file named .jpg and a truncated JPEG as UNSUPPORTED_IMAGE", async () => {
		const whole = await jpeg(800, 600);
		for (const file of [Buffer.from("not a photo\n".repeat(100)), whole.subarray(0, 9000)]) {
			const res = await upload(form(file));
			expect(res.status).toBe(422);
			expect(res.body.error.code).toBe("UNSUPPORTED_IMAGE");
		}
	});

	it("refuses a multipart body cut short with 422", async () => {
		const boundary = "kasify-cut";
		const res = await upload(rawForm(boundary, await jpeg(400, 300), false), {
			"content-type": `multipart/form-data; boundary=${boundary}`,
		});
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("VALIDATION_FAILED");
	});

	it("asks for credentials before reading an upload", async () => {
		const res = await fetch(stack.url + UPLOAD_PATH, { method: "POST", body: form(null) });
		expect(res.status).toBe(401);
	});
});

describe("idempotent uploads", () => {
	it("replays an upload retried with the same key, whatever its boundary", async () => {
		const photo = await jpeg(640, 480);
		const key = { "idempotency-key": `cover-${newPublicCode()}` };
		const first = await upload(form(photo), key);
		expect(first.status).toBe(200);
		const before = processed;

		// The retry is serialised anew, with a boundary of its own.
		const retry = await upload(rawForm("kasify-retry", photo), {
			...key,
			"content-type": "multipart/form-data; boundary=kasify-retry",
		});
		expect(retry.status).toBe(200);
		expect(retry.headers.get("idempotency-replayed")).toBe("true");
		expect(retry.body).toEqual(first.body);
		expect(processed).toBe(before);
	});

	it("refuses the same key with another file with 422 IDEMPOTENCY_KEY_REUSED", async () => {
		const key = { "idempotency-key": `cover-${newPublicCode()}` };
		expect((await upload(form(await jpeg(640, 480)), key)).status).toBe(200);
		const other = await upload(form(await jpeg(641, 480)), key);
		expect(other.status).toBe(422);
		expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
	});
});
