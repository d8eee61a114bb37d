/**
 * The geo service's collections: countries, Spanish provinces and municipalities (cities),
 * the record of the dataset version loaded, and the lease that lets one replica load it.
 */
import { Schema, type Connection, type InferSchemaType } from "mongoose";

const keys = {
	/** Normalised forms of the names (see normalise.ts), searched with regular expressions. */
	search_keys: { type: [String], required: true },
};

const countrySchema = new Schema(
	{
		_id: { type: String, required: true },
		/** English name. */
		name: { type: String, required: true },
		name_es: { type: String, required: true },
		alpha_2: { type: String, required: true },
		alpha_3: { type: String, required: true },
		...keys,
	},
	{ versionKey: false, collection: "countries" },
);
countrySchema.index({ alpha_2: 1 }, { unique: true });
countrySchema.index({ alpha_3: 1 }, { unique: true });
countrySchema.index({ search_keys: 1 });

const provinceSchema = new Schema(
	{
		_id: { type: String, required: true },
		country_id: { type: String, required: true },
		/** INE's official name. */
		name: { type: String, required: true },
		code_iso_3166_2: { type: String, required: true },
		ine_code_pro: { type: String, required: true },
		...keys,
	},
	{ versionKey: false, collection: "provinces" },
);
provinceSchema.index({ ine_code_pro: 1 }, { unique: true });
provinceSchema.index({ country_id: 1 });
provinceSchema.index({ search_keys: 1 });

const citySchema = new Schema(
	{
		_id: { type: String, required: true },
		country_id: { type: String, required: true },
		province_id: { type: String, required: true },
		/** INE's official name. */
		name: { type: String, required: true },
		/** CPRO + CMUN, 5 digits, as SES Hospedajes expects it. */
		ine_code: { type: String, required: true },
		/** CMUN, 3 digits. */
		ine_code_mun: { type: String, required: true },
		...keys,
	},
	{ versionKey: false, collection: "cities" },
);
citySchema.index({ ine_code: 1 }, { unique: true });
citySchema.index({ province_id: 1 });
citySchema.index({ search_keys: 1 });

/** One document, `_id: "current"`: which dataset the collections hold. */
const datasetSchema = new Schema(
	{
		_id: { type: String, required: true },
		version: { type: String, required: true },
		ine_reference_date: { type: String, default: null },
		counts: { type: Object, required: true },
		loaded_at: { type: Date, required: true },
		loaded_by: { type: String, required: true },
	},
	{ versionKey: false, collection: "geo_dataset" },
);

/**
 * One document, `_id: "load"`, while a replica loads the dataset. FerretDB has no TTL index,
 * so expiry is a field every contender compares with its clock.
 */
const leaseSchema = new Schema(
	{
		_id: { type: String, required: true },
		holder: { type: String, required: true },
		expires_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "geo_load_lease" },
);

export type CountryDoc = InferSchemaType<typeof countrySchema> & { _id: string };
export type ProvinceDoc = InferSchemaType<typeof provinceSchema> & { _id: string };
export type CityDoc = InferSchemaType<typeof citySchema> & { _id: string };
export type DatasetDoc = InferSchemaType<typeof datasetSchema> & { _id: string };

export function defineGeoModels(connection: Connection) {
	return {
		Country: connection.model("Country", countrySchema),
		Province: connection.model("Province", provinceSchema),
		City: connection.model("City", citySchema),
		GeoDataset: connection.model("GeoDataset", datasetSchema),
		GeoLoadLease: connection.model("GeoLoadLease", leaseSchema),
	};
}

export type GeoModels = ReturnType<typeof defineGeoModels>;
