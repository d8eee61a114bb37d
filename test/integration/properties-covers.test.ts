/**
 * Cover images of properties through the gateway (§11.7–§11.9): upload, the absolute URLs on
 * the property, files served without metadata, replacement and removal (old files gone), and
 * the bad uploads of the issue. The pipeline and the store have tests of their own
 * (multipart.test.ts); these check the properties service's wiring of them.
 */
import { jpeg, metadataOf, noise, pngWithGps } from "../fixtures/images";
import type { Stack } from "../helpers/stack";
import {
	createProperty,
	registerUser,
	startPropertiesStack,
	type Http,
	type TestUser,
} from "./properties-fixtures";

const BASE_URL = "https://api.kasify.test";

let stack: Stack;
let http: Http;
let owner: TestUser;

beforeAll(async () => {
	process.env.PUBLIC_BASE_URL = BASE_URL;
	({ stack, http } = await startPropertiesStack("covers"));
	owner = await registerUser(http, "cover-owner");
});
afterAll(async () => {
	await stack?.stop();
	delete process.env.PUBLIC_BASE_URL;
});

function form(file: Buffer | null, field = "file", name = "cover.jpg"): FormData {
	const body = new FormData();
	if (file) body.append(field, new Blob([file], { type: "image/jpeg" }), name);
	else body.append("caption", "no file here");
	return body;
}

async function upload(propertyId: string, body: FormData | string, type?: string) {
	const res = await fetch(`${stack.url}/v1/properties/${propertyId}/cover`, {
		method: "POST",
		headers: {
			authorization: `Bearer ${owner.token}`,
			...(type ? { "content-type": type } : {}),
		},
		body,
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Fetches a cover file by the path of its public URL. */
async function file(url: string) {
	const res = await fetch(stack.url + new URL(url).pathname);
	return {
		status: res.status,
		type: res.headers.get("content-type"),
		data: Buffer.from(await res.arrayBuffer()),
	};
}

const coverOf = async (propertyId: string) => {
	const res = await http.get(`/v1/properties/${propertyId}`, { token: owner.token });
	return { url: res.body.cover_image_url, urls: res.body.cover_image_urls };
};

it("stores the variants, links them from the property, serves them without metadata", async () => {
	const property = await createProperty(http, owner);
	const res = await upload(property.id, form(await pngWithGps(900, 600), "file", "beach.png"));
	expect(res.status).toBe(200);
	const key = /covers\/(\w{26})\//.exec(res.body.cover_image_url)?.[1];
	expect(res.body).toMatchObject({
		id: property.id,
		role: "owner",
		cover_image_url: `${BASE_URL}/v1/media/covers/${key}/900.webp`,
		cover_image_urls: {
			"320": `${BASE_URL}/v1/media/covers/${key}/320.webp`,
			"640": `${BASE_URL}/v1/media/covers/${key}/640.webp`,
			"900": `${BASE_URL}/v1/media/covers/${key}/900.webp`,
		},
	});
	expect(await coverOf(property.id)).toEqual({
		url: res.body.cover_image_url,
		urls: res.body.cover_image_urls,
	});
	for (const [width, url] of Object.entries(
		res.body.cover_image_urls as Record<string, string>,
	)) {
		const served = await file(url);
		expect(served).toMatchObject({ status: 200, type: "image/webp" });
		const meta = await metadataOf(served.data);
		expect(meta).toMatchObject({ format: "webp", width: Number(width) });
		expect(meta.exif).toBeUndefined();
	}
});

it("points cover_image_url at the 1280 variant of a large image", async () => {
	const property = await createProperty(http, owner);
	const res = await upload(property.id, form(await noise(2000, 1300).jpeg().toBuffer()));
	expect(Object.keys(res.body.cover_image_urls)).toEqual(["320", "640", "1280", "1920"]);
	expect(res.body.cover_image_url).toMatch(/\/1280\.webp$/);
});

it("replaces a cover (old files gone) and removes it (idempotently)", async () => {
	const property = await createProperty(http, owner);
	const first = (await upload(property.id, form(await jpeg(640, 400)))).body;
	const second = (await upload(property.id, form(await jpeg(700, 500)))).body;
	expect(second.cover_image_url).not.toBe(first.cover_image_url);
	expect((await file(first.cover_image_url)).status).toBe(404);
	expect((await file(second.cover_image_url)).status).toBe(200);

	const path = `/v1/properties/${property.id}/cover`;
	expect((await http.delete(path, { token: owner.token })).status).toBe(204);
	expect(await coverOf(property.id)).toEqual({ url: null, urls: null });
	expect((await file(second.cover_image_url)).status).toBe(404);
	expect((await http.delete(path, { token: owner.token })).status).toBe(204);
});

it("deletes the cover files with the property", async () => {
	const property = await createProperty(http, owner);
	const { cover_image_url: url } = (await upload(property.id, form(await jpeg(640, 400)))).body;
	await http.delete(`/v1/properties/${property.id}`, { token: owner.token });
	expect((await file(url)).status).toBe(404);
});

describe("bad uploads leave the cover as it was", () => {
	let propertyId: string;
	let before: { url: string; urls: Record<string, string> };

	beforeAll(async () => {
		propertyId = (await createProperty(http, owner)).id;
		await upload(propertyId, form(await jpeg(640, 400)));
		before = await coverOf(propertyId);
	});
	afterEach(async () => expect(await coverOf(propertyId)).toEqual(before));

	it.each([
		["a truncated JPEG", async () => (await jpeg(800, 600)).subarray(0, 3000)],
		["a text file named .jpg", async () => Buffer.from("definitely not an image\n".repeat(50))],
		["an image below 200 px", async () => jpeg(150, 150)],
	])("refuses %s with 422 UNSUPPORTED_IMAGE", async (_case, make) => {
		const res = await upload(propertyId, form(await make()));
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("UNSUPPORTED_IMAGE");
	});

	it("refuses a 12 MB file with 413", async () => {
		const res = await upload(propertyId, form(Buffer.alloc(12 * 1024 * 1024, 0xab)));
		expect(res.status).toBe(413);
		expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
	});

	it("refuses a form without the file field with 422 VALIDATION_FAILED", async () => {
		const res = await upload(propertyId, form(null));
		expect(res.status).toBe(422);
		expect(res.body.error.code).toBe("VALIDATION_FAILED");
	});

	it("refuses a body that is not multipart with 415", async () => {
		const res = await upload(propertyId, JSON.stringify({ file: "x" }), "application/json");
		expect(res.status).toBe(415);
		expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
	});
});
