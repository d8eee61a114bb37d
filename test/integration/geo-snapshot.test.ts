/**
 * Each geo replica searches a snapshot of the rows it keeps in memory. The snapshot follows
 * the dataset version the database records: at once when the loading replica broadcasts
 * `geo.dataset.loaded`, and through the periodic version check when nobody does (a load by
 * `npm run geo:load`). Replicas here ship small datasets so that loads are quick.
 */
import type { ServiceBroker } from "moleculer";
import mongoose, { type Connection } from "mongoose";
import { buildDataset, type Dataset } from "../../services/geo/dataset";
import geo from "../../services/geo/geo.service";
import { loadDataset, loadedVersion } from "../../services/geo/loader";
import { defineGeoModels, type GeoModels } from "../../services/geo/models";
import { config } from "../../shared/config";
import { databaseName } from "../../shared/mixins/database.mixin";
import { eventually, startStack, type Stack } from "../helpers/stack";

const tables = (alcobendas: string, extra: { ine_code: string; name: string }[] = []) => ({
	countries: [
		{ alpha_2: "ES", alpha_3: "ESP", name: "Spain", name_es: "España" },
		{ alpha_2: "FR", alpha_3: "FRA", name: "France", name_es: "Francia" },
	],
	provinces: [{ ine_code_pro: "28", code_iso_3166_2: "ES-M", name: "Madrid" }],
	municipalities: [
		{ ine_code: "28006", name: alcobendas },
		{ ine_code: "28079", name: "Madrid" },
		...extra,
	],
});

const v1 = buildDataset(tables("Alcobendas"), "hash-one");
const v2 = buildDataset(
	tables("Alcobendas de Prueba", [{ ine_code: "28065", name: "Getafe" }]),
	"hash-two",
);
const v3 = buildDataset(tables("Alcobendas Tercera"), "hash-three");

/** A geo replica that ships `dataset` instead of the files in services/geo/data. */
const replica = (dataset: Dataset, settings: object = {}) => ({
	...geo,
	settings: { ...geo.settings, ...settings },
	methods: { ...geo.methods, shippedDataset: () => dataset },
});

let stack: Stack;
let first: ServiceBroker;
let second: ServiceBroker | undefined;
let connection: Connection;
let models: GeoModels;

/** City names one replica answers for `query`, from its own snapshot or Redis. */
const cities = async (replica: ServiceBroker, query: string) => {
	const page = await replica.call<{ cities: { name: string }[] }, object>(
		"geo.searchCities",
		{ query },
		{ nodeID: replica.nodeID },
	);
	return page.cities.map((city) => city.name);
};

beforeAll(async () => {
	// The first replica checks the version only every 30 s: what it sees sooner, it was told.
	stack = await startStack("geosnap", [replica(v1)]);
	first = stack.brokers.get("geo") as ServiceBroker;
	connection = await mongoose
		.createConnection(config().mongoUrl, { dbName: databaseName(stack.namespace, "geo") })
		.asPromise();
	models = defineGeoModels(connection);
});
afterAll(async () => {
	await connection?.close();
	// Both replicas are "geo": the stack knows only the last one started.
	if (second) await first?.stop();
	await stack?.brokers.get("geo")?.cacher?.clean();
	await stack?.stop();
});

it("answers from the dataset the replica loaded", async () => {
	expect(await loadedVersion(models)).toBe(v1.version);
	expect(await cities(first, "alcobendas")).toEqual(["Alcobendas"]);
	expect(await cities(first, "getafe")).toEqual([]);
});

it("a replica that did not load sees another replica's load at once", async () => {
	// A newer release starts beside the first replica and loads its dataset.
	second = await stack.startService(replica(v2, { datasetCheckMs: 200 }), "geo-b");
	expect(await loadedVersion(models)).toBe(v2.version);
	expect(await cities(second, "getafe")).toEqual(["Getafe"]);

	const seen = await eventually(async () => {
		const names = await cities(first, "alcobendas");
		return names[0] === "Alcobendas de Prueba" ? names : undefined;
	}, 10_000);
	expect(seen).toEqual(["Alcobendas de Prueba"]);
	expect(await cities(first, "getafe")).toEqual(["Getafe"]);
});

it("a search answered after the dataset changes reflects the new version", async () => {
	const replicaB = second as ServiceBroker;
	// Cached in Redis under the current version.
	expect(await cities(replicaB, "alcobendas")).toEqual(["Alcobendas de Prueba"]);

	// Loaded from outside any replica: no broadcast, and the Redis cache left as it was.
	await loadDataset(models, v3, "test");

	const seen = await eventually(async () => {
		const names = await cities(replicaB, "alcobendas");
		return names[0] === "Alcobendas Tercera" ? names : undefined;
	}, 10_000);
	expect(seen).toEqual(["Alcobendas Tercera"]);
	expect(await cities(replicaB, "getafe")).toEqual([]);
});
