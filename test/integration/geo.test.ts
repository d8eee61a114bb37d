/**
 * The geo searches through the gateway, against the shipped INE 2025 dataset: counts, codes,
 * ids, every matching rule, the order of results, filters and parameter errors.
 */
import geo from "../../services/geo/geo.service";
import { cityId, countryId, provinceId } from "../../services/geo/ids";
import { resetConfig } from "../../shared/config";
import { client } from "../helpers/http";
import { startStack, type Stack } from "../helpers/stack";

let stack: Stack;
let http: ReturnType<typeof client>;
let clients = 0;

/** Each request from its own client address, so that the geo rate limit stays out of the way. */
const get = (path: string) =>
	http.get(path, { headers: { "x-forwarded-for": `198.51.100.${++clients % 250}` } });

const names = (res: { body: { cities?: { name: string }[]; provinces?: { name: string }[] } }) =>
	(res.body.cities ?? res.body.provinces ?? []).map((row) => row.name);

beforeAll(async () => {
	// The gateway honours X-Forwarded-For only from a trusted proxy: here, the test itself.
	process.env.TRUSTED_PROXIES = "127.0.0.1";
	resetConfig();
	stack = await startStack("geo", [geo]);
	http = client(stack.url);
});
afterAll(async () => {
	// Cached results would otherwise linger in Redis for an hour.
	await stack?.brokers.get("geo")?.cacher?.clean();
	await stack?.stop();
});

describe("the INE 2025 dataset", () => {
	it.each([
		["/v1/geo/countries", 249],
		["/v1/geo/provinces", 52],
		["/v1/geo/cities", 8132],
	])("%s counts %i rows", async (path, total) => {
		const res = await get(path);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ page: 0, size: 20, total });
	});

	it.each([
		["28079", "Madrid", "28"],
		["08019", "Barcelona", "08"],
		["41091", "Sevilla", "41"],
		["15030", "Coruña, A", "15"],
		["03014", "Alacant/Alicante", "03"],
		["51001", "Ceuta", "51"],
	])("finds municipality %s, %s, linked to province %s and Spain", async (code, name, pro) => {
		const res = await get(`/v1/geo/cities?query=${code}`);
		expect(res.body.total).toBe(1);
		expect(res.body.cities[0]).toEqual({
			id: cityId(code),
			country_id: countryId("ES"),
			province_id: provinceId(pro),
			name,
			ine_code: code,
			ine_code_mun: code.slice(2),
		});
	});

	it("gives every field of a country and a province", async () => {
		const spain = await get("/v1/geo/countries?query=ESP");
		expect(spain.body.countries[0]).toEqual({
			id: countryId("ES"),
			name: "Spain",
			name_es: "España",
			alpha_2: "ES",
			alpha_3: "ESP",
		});
		const madrid = await get("/v1/geo/provinces?query=madrid");
		expect(madrid.body.provinces).toEqual([
			{
				id: provinceId("28"),
				country_id: countryId("ES"),
				name: "Madrid",
				code_iso_3166_2: "ES-M",
				ine_code_pro: "28",
			},
		]);
	});

	it("links all 52 provinces, Ceuta and Melilla included, to Spain", async () => {
		const res = await get(`/v1/geo/provinces?country_id=${countryId("ES")}&size=100`);
		expect(res.body.total).toBe(52);
		const countries = new Set(
			res.body.provinces.map((p: { country_id: string }) => p.country_id),
		);
		expect([...countries]).toEqual([countryId("ES")]);
		expect(names(res)).toEqual(expect.arrayContaining(["Ceuta", "Melilla"]));
	});
});

describe("matching", () => {
	it.each([
		["cadiz", "Cádiz"],
		["CÁDIZ", "Cádiz"],
		["coruna", "Coruña, A"],
		["a coruna", "Coruña, A"],
		["A Coruña", "Coruña, A"],
		["alicante", "Alacant/Alicante"],
		["alacant", "Alacant/Alicante"],
		["san sebastian", "Donostia/San Sebastián"],
		["donostia", "Donostia/San Sebastián"],
		["las palmas", "Palmas de Gran Canaria, Las"],
		["l'hospitalet", "Hospitalet de Llobregat, L'"],
		["de gran canaria", "Palmas de Gran Canaria, Las"],
	])("city query %j finds %s", async (query, name) => {
		const res = await get(`/v1/geo/cities?query=${encodeURIComponent(query)}&size=100`);
		expect(names(res)).toContain(name);
	});

	it.each([
		["cadiz", "Cádiz"],
		["a coruna", "Coruña, A"],
		["alicante", "Alicante/Alacant"],
		["las palmas", "Palmas, Las"],
		["illes balears", "Balears, Illes"],
	])("province query %j finds %s", async (query, name) => {
		const res = await get(`/v1/geo/provinces?query=${encodeURIComponent(query)}`);
		expect(names(res)).toContain(name);
	});

	it.each([
		["spain", "ES"],
		["espana", "ES"],
		["España", "ES"],
		["alemania", "DE"],
		["pain", "ES"],
		["es", "ES"],
		["ESP", "ES"],
		["deu", "DE"],
	])("country query %j finds %s", async (query, alpha2) => {
		const res = await get(`/v1/geo/countries?query=${encodeURIComponent(query)}&size=300`);
		const codes = res.body.countries.map((c: { alpha_2: string }) => c.alpha_2);
		expect(codes).toContain(alpha2);
	});

	it("puts an exact ISO code first", async () => {
		const res = await get("/v1/geo/countries?query=es");
		expect(res.body.countries[0].alpha_2).toBe("ES");
	});

	it("finds nothing for a name that does not exist, and says so", async () => {
		const res = await get("/v1/geo/cities?query=atlantis");
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ cities: [], page: 0, size: 20, total: 0 });
	});

	it("treats regular-expression characters in a query as text", async () => {
		const res = await get(`/v1/geo/cities?query=${encodeURIComponent(".*")}`);
		expect(res.status).toBe(200);
		// Punctuation is not part of names: ".*" asks for nothing in particular.
		expect(res.body.total).toBe(8132);
		const brackets = await get(`/v1/geo/cities?query=${encodeURIComponent("madrid(")}`);
		expect(brackets.status).toBe(200);
		expect(names(brackets)[0]).toBe("Madrid");
	});
});

describe("order", () => {
	it("ranks names starting with the query before other matches, then by name", async () => {
		const res = await get("/v1/geo/cities?query=madrid&size=100");
		expect(names(res)).toEqual([
			"Madrid",
			"Madridanos",
			"Madridejos",
			"Humanes de Madrid",
			"Rivas-Vaciamadrid",
			"Rozas de Madrid, Las",
			"Valmadrid",
		]);
	});

	it("counts a postponed article or a co-official name as a start", async () => {
		const res = await get("/v1/geo/cities?query=las%20rozas");
		expect(names(res)[0]).toBe("Rozas de Madrid, Las");
		const sebastian = await get("/v1/geo/cities?query=san%20sebastian&size=100");
		expect(names(sebastian)).toEqual([
			"Donostia/San Sebastián",
			"San Sebastián de la Gomera",
			"San Sebastián de los Ballesteros",
			"San Sebastián de los Reyes",
		]);
	});

	it("sorts the full list alphabetically, accents not counting, with stable pages", async () => {
		const first = await get("/v1/geo/provinces?size=5");
		expect(names(first)).toEqual([
			"Albacete",
			"Alicante/Alacant",
			"Almería",
			"Araba/Álava",
			"Asturias",
		]);
		const second = await get("/v1/geo/provinces?size=5&page=1");
		expect(names(second)).toEqual([
			"Ávila",
			"Badajoz",
			"Balears, Illes",
			"Barcelona",
			"Bizkaia",
		]);
	});

	it("pages through a search without gaps or repeats", async () => {
		const pages = await Promise.all(
			[0, 1, 2].map((page) => get(`/v1/geo/cities?query=villa&size=100&page=${page}`)),
		);
		const ids = pages.flatMap((res) => res.body.cities.map((c: { id: string }) => c.id));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.length).toBe(Math.min(300, pages[0].body.total));
	});

	it("answers a page past the end with an empty list and the total", async () => {
		const res = await get("/v1/geo/provinces?page=9&size=10");
		expect(res.body).toEqual({ provinces: [], page: 9, size: 10, total: 52 });
	});
});

describe("filters", () => {
	it("restricts cities to a province", async () => {
		const res = await get(`/v1/geo/cities?province_id=${provinceId("28")}&size=100`);
		expect(res.body.total).toBe(179);
		const provinces = new Set(
			res.body.cities.map((c: { province_id: string }) => c.province_id),
		);
		expect([...provinces]).toEqual([provinceId("28")]);
	});

	it("combines the province filter with a query", async () => {
		const res = await get(`/v1/geo/cities?province_id=${provinceId("41")}&query=sevilla`);
		expect(names(res)).toEqual(["Sevilla", "Cuervo de Sevilla, El"]);
	});

	it("accepts an upper-case UUID", async () => {
		const res = await get(`/v1/geo/cities?province_id=${provinceId("51").toUpperCase()}`);
		expect(names(res)).toEqual(["Ceuta"]);
	});

	it("answers an unknown id with an empty page", async () => {
		const unknown = "00000000-0000-4000-8000-000000000000";
		expect((await get(`/v1/geo/cities?province_id=${unknown}`)).body).toEqual({
			cities: [],
			page: 0,
			size: 20,
			total: 0,
		});
		const france = await get(`/v1/geo/provinces?country_id=${countryId("FR")}`);
		expect(france.body.total).toBe(0);
	});
});

describe("parameter errors", () => {
	it.each([
		["/v1/geo/countries?page=-1", "page"],
		["/v1/geo/countries?page=abc", "page"],
		["/v1/geo/countries?page=1.5", "page"],
		["/v1/geo/countries?size=0", "size"],
		["/v1/geo/countries?size=301", "size"],
		["/v1/geo/provinces?size=101", "size"],
		["/v1/geo/cities?size=101", "size"],
		["/v1/geo/cities?size=ten", "size"],
		["/v1/geo/provinces?country_id=not-a-uuid", "country_id"],
		["/v1/geo/cities?province_id=28", "province_id"],
		[`/v1/geo/cities?query=${"a".repeat(101)}`, "query"],
	])("%s is 400 INVALID_PARAMETER on %s", async (path, field) => {
		const res = await get(path);
		expect(res.status).toBe(400);
		expect(res.body.error).toMatchObject({ code: "INVALID_PARAMETER", status: 400 });
		expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
	});

	it("accepts the largest page sizes", async () => {
		expect((await get("/v1/geo/countries?size=300")).body.countries).toHaveLength(249);
		expect((await get("/v1/geo/cities?size=100")).body.cities).toHaveLength(100);
	});
});

describe("paths", () => {
	it.each(["countries", "provinces", "cities"])(
		"/v1/geo/%s and its unprefixed path are the same operation",
		async (resource) => {
			const [prefixed, bare] = await Promise.all([
				get(`/v1/geo/${resource}?query=ma`),
				get(`/geo/${resource}?query=ma`),
			]);
			expect(prefixed.status).toBe(200);
			expect(bare.body).toEqual(prefixed.body);
		},
	);

	it("needs no credentials", async () => {
		const res = await http.get("/v1/geo/countries?query=fr", {
			headers: { "x-forwarded-for": "198.51.100.251", authorization: "Bearer nonsense" },
		});
		expect(res.status).toBe(200);
	});
});

describe("geo.resolve, for other services", () => {
	it("finds a country by either ISO code, any case, and a province and city by id", async () => {
		const answer = await stack.gateway.call("geo.resolve", {
			country_code: "esp",
			province_id: provinceId("15"),
			city_id: cityId("15030").toUpperCase(),
		});
		expect(answer).toEqual({
			country: expect.objectContaining({ id: countryId("ES"), alpha_2: "ES", name: "Spain" }),
			province: expect.objectContaining({ id: provinceId("15"), ine_code_pro: "15" }),
			city: expect.objectContaining({ id: cityId("15030"), province_id: provinceId("15") }),
		});
		const fr = await stack.gateway.call("geo.resolve", { country_code: "fr" });
		expect(fr).toMatchObject({ country: { alpha_3: "FRA" }, province: null, city: null });
	});

	it("answers null for what does not exist", async () => {
		const answer = await stack.gateway.call("geo.resolve", {
			country_code: "XX",
			city_id: "00000000-0000-4000-8000-000000000000",
		});
		expect(answer).toEqual({ country: null, province: null, city: null });
	});
});
