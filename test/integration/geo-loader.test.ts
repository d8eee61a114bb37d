/**
 * Loading geo data into the database directly (no gateway): idempotent and versioned, ids
 * derived from the codes, a newer dataset applied in place, and one loader among replicas.
 * Small datasets keep the writes quick; the shipped files are checked without a database.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose, { type Connection } from "mongoose";
import {
	buildDataset,
	dataDirectory,
	readShippedDataset,
	type SourceTables,
} from "../../services/geo/dataset";
import { cityId, countryId, provinceId } from "../../services/geo/ids";
import { acquireLease, ensureLoaded, releaseLease } from "../../services/geo/lease";
import { loadDataset, loadedVersion } from "../../services/geo/loader";
import { defineGeoModels, type GeoModels } from "../../services/geo/models";
import { config } from "../../shared/config";
import { eventually, newNamespace } from "../helpers/stack";

const v1: SourceTables = {
	countries: [
		{ alpha_2: "ES", alpha_3: "ESP", name: "Spain", name_es: "España" },
		{ alpha_2: "FR", alpha_3: "FRA", name: "France", name_es: "Francia" },
		{ alpha_2: "PT", alpha_3: "PRT", name: "Portugal", name_es: "Portugal" },
	],
	provinces: [
		{ ine_code_pro: "15", code_iso_3166_2: "ES-C", name: "Coruña, A" },
		{ ine_code_pro: "28", code_iso_3166_2: "ES-M", name: "Madrid" },
	],
	municipalities: [
		{ ine_code: "15030", name: "Coruña, A" },
		{ ine_code: "15078", name: "Santiago de Compostela" },
		{ ine_code: "28006", name: "Alcobendas" },
		{ ine_code: "28079", name: "Madrid" },
	],
};

/** A later release: one municipality renamed, one gone, one new; Portugal dropped. */
const v2: SourceTables = {
	countries: v1.countries.filter((c) => c.alpha_2 !== "PT"),
	provinces: v1.provinces,
	municipalities: [
		{ ine_code: "15030", name: "Coruña, A" },
		{ ine_code: "28006", name: "Alcobendas de Prueba" },
		{ ine_code: "28065", name: "Getafe" },
		{ ine_code: "28079", name: "Madrid" },
	],
};

const first = buildDataset(v1, "hash-one");
const second = buildDataset(v2, "hash-two");

const connections: Connection[] = [];

/** A fresh, empty geo database with its collections and indexes, as the service creates. */
async function freshDatabase(): Promise<GeoModels> {
	const connection = await mongoose
		.createConnection(config().mongoUrl, { dbName: `${newNamespace("geoload")}_geo` })
		.asPromise();
	connections.push(connection);
	const models = defineGeoModels(connection);
	for (const model of Object.values(models)) {
		await model.createCollection();
		await model.createIndexes();
	}
	return models;
}

afterAll(async () => {
	for (const connection of connections) {
		await connection.dropDatabase();
		await connection.close();
	}
});

const cityNames = async (models: GeoModels) =>
	(await models.City.find({}).sort({ ine_code: 1 }).lean()).map(
		(c) => [c._id, c.name] as [string, string],
	);

describe("loading", () => {
	let models: GeoModels;
	beforeAll(async () => {
		models = await freshDatabase();
	});

	it("loads every row with an id derived from its code, linked to its parents", async () => {
		const result = await ensureLoaded(models, first, { holder: "test-a" });
		expect(result.loaded).toBe(true);
		expect(result.report?.cities).toEqual({
			inserted: 4,
			updated: 0,
			deleted: 0,
			unchanged: 0,
		});
		expect(await loadedVersion(models)).toBe(first.version);

		const coruna = await models.City.findOne({ ine_code: "15030" }).lean();
		expect(coruna).toMatchObject({
			_id: cityId("15030"),
			country_id: countryId("ES"),
			province_id: provinceId("15"),
			ine_code_mun: "030",
		});
		const provinces = await models.Province.find({}).lean();
		expect(provinces.map((p) => p.country_id)).toEqual([countryId("ES"), countryId("ES")]);
		expect(await models.Country.countDocuments()).toBe(3);
	});

	it("does nothing when the recorded version is the dataset's", async () => {
		// A change made behind the loader's back survives: nothing was rewritten.
		await models.City.updateOne({ _id: cityId("28079") }, { $set: { name: "Marker" } });
		const result = await ensureLoaded(models, first, { holder: "test-b" });
		expect(result).toEqual({ loaded: false, version: first.version, report: null });
		expect((await models.City.findById(cityId("28079")).lean())?.name).toBe("Marker");
	});

	it("rewrites only what differs when forced", async () => {
		const result = await ensureLoaded(models, first, { holder: "test-c", force: true });
		expect(result.report?.cities).toEqual({
			inserted: 0,
			updated: 1,
			deleted: 0,
			unchanged: 3,
		});
		expect((await models.City.findById(cityId("28079")).lean())?.name).toBe("Madrid");
	});

	it("applies a newer dataset in place: same ids, renamed rows, stale rows removed", async () => {
		const before = new Map(await cityNames(models));
		const result = await ensureLoaded(models, second, { holder: "test-d" });
		expect(result.report).toEqual({
			countries: { inserted: 0, updated: 0, deleted: 1, unchanged: 2 },
			provinces: { inserted: 0, updated: 0, deleted: 0, unchanged: 2 },
			cities: { inserted: 1, updated: 1, deleted: 1, unchanged: 2 },
		});
		expect(await cityNames(models)).toEqual([
			[cityId("15030"), "Coruña, A"],
			[cityId("28006"), "Alcobendas de Prueba"],
			[cityId("28065"), "Getafe"],
			[cityId("28079"), "Madrid"],
		]);
		expect(before.get(cityId("28006"))).toBe("Alcobendas");
		expect(await models.Country.findById(countryId("PT"))).toBeNull();
		expect(await loadedVersion(models)).toBe(second.version);
	});
});

describe("several replicas starting at once", () => {
	it("load the rows once, and the others wait for the version", async () => {
		const models = await freshDatabase();
		const results = await Promise.all(
			["r1", "r2", "r3"].map((holder) => ensureLoaded(models, first, { holder, pollMs: 50 })),
		);
		expect(results.filter((r) => r.loaded)).toHaveLength(1);
		expect(await models.City.countDocuments()).toBe(first.cities.length);
		expect(await models.Country.countDocuments()).toBe(first.countries.length);
		expect(await models.GeoLoadLease.countDocuments()).toBe(0);
	});

	it("a replica waits while another holds the lease, then sees its version", async () => {
		const models = await freshDatabase();
		expect(await acquireLease(models, "busy", 60_000)).toBe(true);
		let waitingFor: string | null = null;
		const waiting = ensureLoaded(models, first, {
			holder: "patient",
			pollMs: 50,
			onWait: (holder) => (waitingFor = holder),
		});
		expect(await eventually(async () => waitingFor ?? undefined)).toBe("busy");

		await loadDataset(models, first, "busy");
		await releaseLease(models, "busy");
		expect(await waiting).toEqual({ loaded: false, version: first.version, report: null });
	});

	it("a lease that has expired is taken over; a live one is not", async () => {
		const models = await freshDatabase();
		expect(await acquireLease(models, "a", 60_000)).toBe(true);
		expect(await acquireLease(models, "b", 60_000)).toBe(false);
		await models.GeoLoadLease.updateOne({ _id: "load" }, { $set: { expires_at: new Date(0) } });
		expect(await acquireLease(models, "b", 60_000)).toBe(true);
		// The former holder cannot release what is no longer its lease.
		await releaseLease(models, "a");
		expect((await models.GeoLoadLease.findById("load").lean())?.holder).toBe("b");
	});
});

describe("the shipped files", () => {
	const shipped = readShippedDataset();

	it("hold the INE 1 January 2025 release and ISO 3166-1", () => {
		expect(shipped.countries).toHaveLength(249);
		expect(shipped.provinces).toHaveLength(52);
		expect(shipped.cities).toHaveLength(8132);
		expect(shipped.ineReferenceDate).toBe("2025-01-01");
	});

	it("are versioned by the manifest's content hash", () => {
		const manifest = JSON.parse(
			fs.readFileSync(path.join(dataDirectory(), "manifest.json"), "utf8"),
		);
		expect(shipped.version.startsWith(`${manifest.content_sha256}-r`)).toBe(true);
	});

	it("give the same ids on every read", () => {
		const again = readShippedDataset();
		expect(again.cities.map((c) => c._id)).toEqual(shipped.cities.map((c) => c._id));
		expect(new Set(shipped.cities.map((c) => c._id)).size).toBe(8132);
	});

	it("are refused when a file does not match the manifest", () => {
		const copy = fs.mkdtempSync(path.join(os.tmpdir(), "geo-data-"));
		try {
			for (const file of fs.readdirSync(dataDirectory())) {
				fs.copyFileSync(path.join(dataDirectory(), file), path.join(copy, file));
			}
			const file = path.join(copy, "municipalities.json");
			fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("Madrid", "Madriz"));
			expect(() => readShippedDataset(copy)).toThrow(/municipalities\.json/);
		} finally {
			fs.rmSync(copy, { recursive: true, force: true });
		}
	});
});
