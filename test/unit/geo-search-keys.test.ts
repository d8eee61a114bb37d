/**
 * The pieces of geo search that need no database: name normalisation, search keys, the
 * snapshot's name order, ranking and the name-based UUIDs.
 */
import { cityId, countryId, provinceId, uuidV5 } from "../../services/geo/ids";
import { matchTier, normalise, searchKeys } from "../../services/geo/normalise";
import { rankAndPage } from "../../services/geo/search";
import { byName, SPANISH } from "../../services/geo/snapshot";

describe("normalise", () => {
	it.each([
		["Cádiz", "cadiz"],
		["CÓRDOBA", "cordoba"],
		["Coruña, A", "coruna a"],
		["  Alegría-Dulantzi ", "alegria dulantzi"],
		["Hospitalet de Llobregat, L'", "hospitalet de llobregat l"],
		["Côte d’Ivoire", "cote d ivoire"],
		["Sant Martí de Tous", "sant marti de tous"],
		["Castellbell i el Vilar·l·l", "castellbell i el vilarll"],
		["Ærøskøbing Straße", "aeroskobing strasse"],
		["Åland Islands", "aland islands"],
		["Bodegas (Reales) .*+?", "bodegas reales"],
		["28079", "28079"],
	])("%j → %j", (input, expected) => {
		expect(normalise(input)).toBe(expected);
	});
});

describe("searchKeys", () => {
	it.each([
		["Cádiz", ["cadiz"]],
		["Coruña, A", ["coruna a", "a coruna"]],
		[
			"Palmas de Gran Canaria, Las",
			["palmas de gran canaria las", "las palmas de gran canaria"],
		],
		["Alacant/Alicante", ["alacant alicante", "alacant", "alicante"]],
		["Donostia/San Sebastián", ["donostia san sebastian", "donostia", "san sebastian"]],
		["Hospitalet de Llobregat, L'", ["hospitalet de llobregat l", "l hospitalet de llobregat"]],
		["Balears, Illes", ["balears illes", "illes balears"]],
		[
			"Vila Joiosa, la/Villajoyosa",
			["vila joiosa la villajoyosa", "vila joiosa la", "la vila joiosa", "villajoyosa"],
		],
		// A comma before several words is not a postponed article.
		["Castell d'Aro, Platja d'Aro i s'Agaró", ["castell d aro platja d aro i s agaro"]],
	])("%j", (name, keys) => {
		expect(searchKeys(name)).toEqual(keys);
	});

	it("joins the keys of several names without repeats", () => {
		expect(searchKeys("Spain", "España")).toEqual(["spain", "espana"]);
		expect(searchKeys("Andorra", "Andorra")).toEqual(["andorra"]);
	});
});

describe("matchTier", () => {
	const keys = searchKeys("Palmas de Gran Canaria, Las");
	it.each([
		["palmas", 0],
		["las palmas", 0],
		["gran canaria", 1],
		["canaria las", 1],
	])("%j is tier %i", (query, tier) => {
		expect(matchTier(keys, query)).toBe(tier);
	});
});

describe("rankAndPage", () => {
	const row = (id: string, name: string) => ({ _id: id, name, search_keys: searchKeys(name) });
	// As the snapshot holds them: in name order.
	const rows = byName(
		[
			row("6", "Valmadrid"),
			row("5", "Humanes de Madrid"),
			row("4", "Madridejos"),
			row("3", "Madrid"),
			row("2", "Ávila"),
			row("1", "Avila"),
		],
		SPANISH,
	);
	const order = (q: string | undefined, exact?: (r: { _id: string }) => boolean) =>
		rankAndPage(rows, { q, page: 0, size: 10 }, exact).items.map((r) => r._id);

	it("puts prefix matches before infix matches, each by name", () => {
		const matching = rows.filter((r) => r.search_keys.some((k) => k.includes("madrid")));
		const page = rankAndPage(matching, { q: "madrid", page: 0, size: 10 });
		expect(page.items.map((r) => r.name)).toEqual([
			"Madrid",
			"Madridejos",
			"Humanes de Madrid",
			"Valmadrid",
		]);
	});

	it("puts an exact code match before everything", () => {
		expect(order("madrid", (r) => r._id === "6")[0]).toBe("6");
	});

	it("keeps the snapshot's order: names alphabetically ignoring accents, then by id", () => {
		expect(order(undefined)).toEqual(["1", "2", "5", "3", "4", "6"]);
	});

	it("pages and counts", () => {
		const page = rankAndPage(rows, { page: 1, size: 4 });
		expect(page.total).toBe(6);
		expect(page.items.map((r) => r._id)).toEqual(["4", "6"]);
	});
});

describe("byName", () => {
	it("sorts a copy, leaving the rows it was given in their order", () => {
		const given = [
			{ _id: "b", name: "Écija" },
			{ _id: "a", name: "Écija" },
			{ _id: "c", name: "Ecija" },
			{ _id: "d", name: "Cádiz" },
		];
		expect(byName(given, SPANISH).map((r) => r._id)).toEqual(["d", "a", "b", "c"]);
		expect(given.map((r) => r._id)).toEqual(["b", "a", "c", "d"]);
	});
});

describe("ids", () => {
	it("implements RFC 4122 version 5 (the RFC's DNS example, checked with Python's uuid)", () => {
		const dns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
		expect(uuidV5("www.example.com", dns)).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
	});

	it("derives fixed ids from codes; other implementations agree (Python's uuid5)", () => {
		expect(countryId("ES")).toBe("b89416e7-a33b-57aa-90a0-7478eec8be59");
		expect(provinceId("28")).toBe("7622e5a1-151d-5b5a-be32-4f55c2f29284");
		expect(cityId("28079")).toBe("c76ee5a5-8379-5ee8-8cd2-e857fa08178c");
		expect(cityId("15030")).toBe("a8927e1a-ee4b-54db-98ef-e892a27c824d");
	});
});
