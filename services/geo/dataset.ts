/**
 * The dataset shipped in `services/geo/data` (see its README), turned into the rows the
 * collections hold: ids derived from the codes, parents linked, search keys computed.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { cityId, countryId, provinceId } from "./ids";
import { searchKeys } from "./normalise";

/**
 * Bump when the rows derived from unchanged files change (ids, search keys, fields): the
 * version then differs and every deployment reloads.
 */
export const DERIVATION_REVISION = 1;

/** Provinces and municipalities are loaded for Spain only (§8). */
export const SPAIN = "ES";

export interface CountryRow {
	_id: string;
	name: string;
	name_es: string;
	alpha_2: string;
	alpha_3: string;
	search_keys: string[];
}

export interface ProvinceRow {
	_id: string;
	country_id: string;
	name: string;
	code_iso_3166_2: string;
	ine_code_pro: string;
	search_keys: string[];
}

export interface CityRow {
	_id: string;
	country_id: string;
	province_id: string;
	name: string;
	ine_code: string;
	ine_code_mun: string;
	search_keys: string[];
}

export interface Dataset {
	/** The data files' content hash and the derivation revision. */
	version: string;
	ineReferenceDate: string | null;
	countries: CountryRow[];
	provinces: ProvinceRow[];
	cities: CityRow[];
}

/** The source tables as records keyed by the files' field names. */
export interface SourceTables {
	countries: { alpha_2: string; alpha_3: string; name: string; name_es: string }[];
	provinces: { ine_code_pro: string; code_iso_3166_2: string; name: string }[];
	municipalities: { ine_code: string; name: string }[];
}

interface Manifest {
	content_sha256: string;
	ine_release?: { reference_date?: string };
	files: Record<string, { sha256: string }>;
}

/**
 * Where the data files are: beside this module when it runs from source (tests), and in the
 * source layout when it runs compiled from `dist/` (the image copies non-TypeScript files
 * there, see the Dockerfile).
 */
export function dataDirectory(): string {
	const beside = path.join(__dirname, "data");
	if (fs.existsSync(beside)) return beside;
	return path.resolve(__dirname, "../../../services/geo/data");
}

function records<T>(file: string): T[] {
	const { fields, rows } = JSON.parse(fs.readFileSync(file, "utf8")) as {
		fields: string[];
		rows: string[][];
	};
	return rows.map((row) => Object.fromEntries(fields.map((f, i) => [f, row[i]])) as T);
}

/** Reads and checks the shipped files; a file that does not match the manifest is fatal. */
export function readShippedDataset(dir = dataDirectory()): Dataset {
	const manifest = JSON.parse(
		fs.readFileSync(path.join(dir, "manifest.json"), "utf8"),
	) as Manifest;
	for (const [name, { sha256 }] of Object.entries(manifest.files)) {
		const actual = createHash("sha256")
			.update(fs.readFileSync(path.join(dir, name)))
			.digest("hex");
		if (actual !== sha256) {
			throw new Error(`Geo data file ${name} does not match manifest.json (${actual})`);
		}
	}
	const tables: SourceTables = {
		countries: records(path.join(dir, "countries.json")),
		provinces: records(path.join(dir, "provinces.json")),
		municipalities: records(path.join(dir, "municipalities.json")),
	};
	return buildDataset(
		tables,
		manifest.content_sha256,
		manifest.ine_release?.reference_date ?? null,
	);
}

/** The rows of a dataset; throws when a municipality's province or Spain is missing. */
export function buildDataset(
	tables: SourceTables,
	contentHash: string,
	ineReferenceDate: string | null = null,
): Dataset {
	const countries = tables.countries.map((c) => ({
		_id: countryId(c.alpha_2),
		name: c.name,
		name_es: c.name_es,
		alpha_2: c.alpha_2,
		alpha_3: c.alpha_3,
		search_keys: searchKeys(c.name, c.name_es),
	}));
	if (!countries.some((c) => c.alpha_2 === SPAIN)) throw new Error("Geo data: Spain missing");
	const spain = countryId(SPAIN);

	const provinces = tables.provinces.map((p) => ({
		_id: provinceId(p.ine_code_pro),
		country_id: spain,
		name: p.name,
		code_iso_3166_2: p.code_iso_3166_2,
		ine_code_pro: p.ine_code_pro,
		search_keys: searchKeys(p.name),
	}));
	const provinceCodes = new Set(tables.provinces.map((p) => p.ine_code_pro));

	const cities = tables.municipalities.map((m) => {
		const pro = m.ine_code.slice(0, 2);
		if (!provinceCodes.has(pro)) {
			throw new Error(`Geo data: municipality ${m.ine_code} has no province ${pro}`);
		}
		return {
			_id: cityId(m.ine_code),
			country_id: spain,
			province_id: provinceId(pro),
			name: m.name,
			ine_code: m.ine_code,
			ine_code_mun: m.ine_code.slice(2),
			search_keys: searchKeys(m.name),
		};
	});

	return {
		version: `${contentHash}-r${DERIVATION_REVISION}`,
		ineReferenceDate,
		countries,
		provinces,
		cities,
	};
}
