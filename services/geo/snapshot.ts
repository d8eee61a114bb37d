/**
 * Each replica answers searches from a copy of the geo rows it holds in memory (about 8,400
 * small rows, 3 MB), read from the database once the dataset is loaded. FerretDB cannot
 * use an index for a substring search and reads the whole collection for every query; the
 * copy is read once per dataset version instead.
 *
 * The copy is tagged with the dataset version it was read under and replaced when the version
 * recorded in `geo_dataset` changes. The loader records the version after every row is
 * written, so a newly recorded version means the rows are complete.
 */
import type { LoggerInstance } from "moleculer";
import type { CityRow, CountryRow, ProvinceRow } from "./dataset";
import { loadedVersion } from "./loader";
import type { GeoModels } from "./models";

/** Broadcast by the replica that has loaded a dataset, so that the others re-read it now. */
export const DATASET_LOADED = "geo.dataset.loaded";

export interface GeoSnapshot {
	/** The dataset version recorded when the rows were read; null before the first load. */
	version: string | null;
	/** Each list in name order, then by id: the order of results within a match tier. */
	countries: readonly CountryRow[];
	provinces: readonly ProvinceRow[];
	cities: readonly CityRow[];
}

interface Named {
	_id: string;
	name: string;
}

// Country names are English; province and city names are INE's Spanish (and co-official) forms.
export const ENGLISH = new Intl.Collator("en", { sensitivity: "base" });
export const SPANISH = new Intl.Collator("es", { sensitivity: "base" });

/** A copy of `rows` sorted by name in the collator's alphabetical order, then by id. */
export function byName<T extends Named>(rows: readonly T[], collator: Intl.Collator): T[] {
	return [...rows].sort(
		(a, b) => collator.compare(a.name, b.name) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0),
	);
}

/** Reads attempts before giving up when loads keep recording new versions meanwhile. */
const READ_ATTEMPTS = 3;

/**
 * Reads every row. When the recorded version is not the same after the read as before it, a
 * load finished meanwhile and the rows may mix two datasets: they are read again.
 */
export async function readSnapshot(models: GeoModels): Promise<GeoSnapshot> {
	for (let attempt = 1; ; attempt++) {
		const version = await loadedVersion(models);
		const [countries, provinces, cities] = await Promise.all([
			models.Country.find({}).lean<CountryRow[]>(),
			models.Province.find({}).lean<ProvinceRow[]>(),
			models.City.find({}).lean<CityRow[]>(),
		]);
		const after = await loadedVersion(models);
		if (after === version) {
			return {
				version,
				countries: byName(countries, ENGLISH),
				provinces: byName(provinces, SPANISH),
				cities: byName(cities, SPANISH),
			};
		}
		if (attempt === READ_ATTEMPTS) {
			throw new Error(`Geo dataset changed during ${READ_ATTEMPTS} reads in a row`);
		}
	}
}

/**
 * The replica's current snapshot and the means to bring it up to date. `sync()` may be
 * called at any time from a timer or an event; calls never overlap: one arriving while a sync
 * runs makes that sync check the version once more before it finishes.
 */
export class SnapshotStore {
	private snapshot: GeoSnapshot | null = null;
	private running: Promise<void> | null = null;
	private again = false;

	constructor(
		private readonly models: GeoModels,
		private readonly logger: LoggerInstance,
	) {}

	/** The snapshot searches read; the service builds the first one before it starts. */
	get current(): GeoSnapshot {
		if (!this.snapshot) throw new Error("Geo snapshot used before it was read");
		return this.snapshot;
	}

	/** Replaces the snapshot unless it already holds the version the database records. */
	sync(): Promise<void> {
		if (this.running) {
			this.again = true;
			return this.running;
		}
		this.running = (async () => {
			try {
				do {
					this.again = false;
					await this.syncOnce();
				} while (this.again);
			} finally {
				this.running = null;
			}
		})();
		return this.running;
	}

	private async syncOnce(): Promise<void> {
		if (this.snapshot && (await loadedVersion(this.models)) === this.snapshot.version) return;
		const startedAt = Date.now();
		const snapshot = await readSnapshot(this.models);
		const previous = this.snapshot?.version;
		this.snapshot = snapshot;
		this.logger.info(
			`Geo snapshot of dataset ${snapshot.version} read in ${Date.now() - startedAt} ms ` +
				`(${snapshot.countries.length} countries, ${snapshot.provinces.length} ` +
				`provinces, ${snapshot.cities.length} cities` +
				`${previous ? `; replaces ${previous}` : ""})`,
		);
	}
}
