/**
 * HTTP caching and the rate limit of the geo searches (§8, §1.8): Cache-Control and ETag,
 * 304 on If-None-Match, results served from Redis with their headers, and 50 requests a
 * minute per client address, 304s included. How the snapshot follows a newer dataset is in
 * geo-snapshot.test.ts.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import type { Cacher } from "moleculer";
import mongoose from "mongoose";
import geo from "../../services/geo/geo.service";
import { countryId } from "../../services/geo/ids";
import type { GeoService } from "../../services/geo/service-types";
import { config, resetConfig } from "../../shared/config";
import { databaseName } from "../../shared/mixins/database.mixin";
import { client } from "../helpers/http";
import { startStack, type Stack } from "../helpers/stack";

let stack: Stack;
let http: ReturnType<typeof client>;
let clients = 0;

const from = (ip: string, headers: Record<string, string> = {}) => ({
	headers: { "x-forwarded-for": ip, ...headers },
});
/** Each call from its own client address, so that only the rate-limit tests meet the limit. */
const get = (path: string, headers: Record<string, string> = {}) =>
	http.get(path, from(`203.0.113.${++clients}`, headers));

beforeAll(async () => {
	// The gateway honours X-Forwarded-For only from a trusted proxy: here, the test itself.
	process.env.TRUSTED_PROXIES = "127.0.0.1";
	resetConfig();
	stack = await startStack("geohttp", [geo]);
	http = client(stack.url);
});
afterAll(async () => {
	// Cached results would otherwise linger in Redis for an hour.
	await stack?.brokers.get("geo")?.cacher?.clean();
	await stack?.stop();
});

describe("HTTP caching", () => {
	it.each(["/v1/geo/countries", "/geo/provinces", "/v1/geo/cities"])(
		"%s without a query string may be cached for a day, with a strong ETag",
		async (path) => {
			const res = await get(path);
			expect(res.status).toBe(200);
			expect(res.headers.get("cache-control")).toBe("public, max-age=86400");
			expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
		},
	);

	it.each([
		"/v1/geo/countries?query=spain",
		"/v1/geo/countries?page=0",
		`/v1/geo/provinces?country_id=${countryId("ES")}`,
		"/v1/geo/cities?query=madrid&size=5",
	])("%s (with parameters) may be cached for five minutes", async (path) => {
		const res = await get(path);
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("public, max-age=300");
		expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
	});

	it.each(["/v1/geo/provinces", "/geo/countries?query=fr"])(
		"%s answers 304 without a body to a matching If-None-Match",
		async (path) => {
			const first = await get(path);
			const etag = first.headers.get("etag") as string;
			const again = await get(path, { "if-none-match": etag });
			expect(again.status).toBe(304);
			expect(again.text).toBe("");
			expect(again.headers.get("etag")).toBe(etag);
			expect(again.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
		},
	);

	it("answers 200 with the body to an ETag that no longer matches", async () => {
		const res = await get("/v1/geo/provinces", { "if-none-match": '"stale"' });
		expect(res.status).toBe(200);
		expect(res.body.total).toBe(52);
	});

	it("gives the same ETag to the same answer on both paths", async () => {
		const [prefixed, bare] = await Promise.all([
			get("/v1/geo/cities?query=ceuta"),
			get("/geo/cities?query=ceuta"),
		]);
		expect(bare.headers.get("etag")).toBe(prefixed.headers.get("etag"));
	});
});

describe("results cached in Redis", () => {
	it("serves a repeated search from Redis, with its Cache-Control header", async () => {
		const stored = jest.spyOn(stack.brokers.get("geo")?.cacher as Cacher, "set");
		try {
			const first = await get("/v1/geo/countries?query=andorra");
			expect(first.body.countries.map((c: { name: string }) => c.name)).toEqual(["Andorra"]);
			expect(stored).toHaveBeenCalledTimes(1);

			// The same search, differently typed (same normalised key), is a hit: nothing stored.
			const hit = await get("/geo/countries?query=ANDORRA");
			expect(hit.body).toEqual(first.body);
			expect(hit.headers.get("cache-control")).toBe("public, max-age=300");
			expect(hit.headers.get("etag")).toBe(first.headers.get("etag"));
			expect(stored).toHaveBeenCalledTimes(1);

			// A search not seen before is answered from the snapshot, then stored.
			const miss = await get("/v1/geo/countries?query=andorr");
			expect(miss.body.countries.map((c: { name: string }) => c.name)).toEqual(["Andorra"]);
			expect(stored).toHaveBeenCalledTimes(2);
		} finally {
			stored.mockRestore();
		}
	});

	it("answers from the snapshot, not the database, while the dataset version stays", async () => {
		const connection = await mongoose
			.createConnection(config().mongoUrl, {
				dbName: databaseName(stack.namespace, "geo"),
			})
			.asPromise();
		try {
			// Rename a country behind the service's back; the recorded version stays.
			await connection
				.collection("countries")
				.updateOne({ _id: countryId("MC") as never }, { $set: { name: "Renamed" } });
		} finally {
			await connection.close();
		}
		const service = stack.brokers.get("geo")?.getLocalService("geo") as unknown as GeoService;
		await service.snapshots.sync();
		const res = await get("/v1/geo/countries?query=monaco");
		expect(res.body.countries.map((c: { name: string }) => c.name)).toEqual(["Monaco"]);
	});
});

describe("rate limit", () => {
	const paths = ["/v1/geo/countries", "/geo/countries", "/v1/geo/provinces", "/geo/cities"];

	it("allows 50 geo requests a minute per client, 304s included, then 429", async () => {
		const ip = "192.0.2.10";
		const etags = new Map<string, string>();
		const statuses: number[] = [];
		let remaining: string | null = null;
		for (let i = 0; i < 50; i++) {
			const path = paths[i % paths.length];
			const known = etags.get(path);
			const res = await http.get(path, from(ip, known ? { "if-none-match": known } : {}));
			if (!known) etags.set(path, res.headers.get("etag") as string);
			statuses.push(res.status);
			remaining = res.headers.get("ratelimit-remaining");
			expect(res.headers.get("ratelimit-limit")).toBe("50");
		}
		expect(statuses.filter((s) => s === 304)).toHaveLength(46);
		expect(statuses.filter((s) => s === 200)).toHaveLength(4);
		expect(remaining).toBe("0");

		const refused = await http.get("/geo/provinces", from(ip));
		expect(refused.status).toBe(429);
		expect(refused.body.error.code).toBe("RATE_LIMITED");
		expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
		const conditional = await http.get(
			"/v1/geo/countries",
			from(ip, { "if-none-match": etags.get("/v1/geo/countries") as string }),
		);
		expect(conditional.status).toBe(429);
	});

	it("counts each client separately", async () => {
		for (let i = 0; i < 50; i++) await http.get("/v1/geo/provinces", from("192.0.2.20"));
		expect((await http.get("/v1/geo/provinces", from("192.0.2.20"))).status).toBe(429);
		expect((await http.get("/v1/geo/provinces", from("192.0.2.21"))).status).toBe(200);
	});
});

describe("OpenAPI", () => {
	it("documents the three public searches, their parameters and row schemas", async () => {
		const res = await get("/openapi.json");
		expect(res.status).toBe(200);
		const doc = res.body;
		await SwaggerParser.validate(structuredClone(doc));

		const cities = doc.paths["/v1/geo/cities"].get;
		expect(cities.security).toEqual([]);
		expect(cities.tags).toEqual(["Geo"]);
		const params = Object.fromEntries(
			cities.parameters.map((p: { name: string; schema: object }) => [p.name, p.schema]),
		);
		expect(Object.keys(params).sort()).toEqual(["page", "province_id", "query", "size"]);
		expect(params.size).toMatchObject({ type: "integer", minimum: 1, maximum: 100 });
		expect(params.province_id).toMatchObject({ type: "string", format: "uuid" });
		const countrySize = doc.paths["/v1/geo/countries"].get.parameters.find(
			(p: { name: string }) => p.name === "size",
		);
		expect(countrySize.schema.maximum).toBe(300);
		expect(Object.keys(cities.responses)).toEqual(
			expect.arrayContaining(["200", "400", "429"]),
		);

		expect(doc.components.schemas.City.required).toEqual([
			"id",
			"country_id",
			"province_id",
			"name",
			"ine_code",
			"ine_code_mun",
		]);
		expect(doc.components.schemas.Country.required).toHaveLength(5);
		expect(doc.components.schemas.Province.required).toHaveLength(5);
	});
});
