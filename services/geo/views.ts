/** What clients see of each row (§17.20): every field present, search keys left out. */
import type { CityRow, CountryRow, ProvinceRow } from "./dataset";

export const countryView = (row: CountryRow) => ({
	id: row._id,
	name: row.name,
	name_es: row.name_es,
	alpha_2: row.alpha_2,
	alpha_3: row.alpha_3,
});

export const provinceView = (row: ProvinceRow) => ({
	id: row._id,
	country_id: row.country_id,
	name: row.name,
	code_iso_3166_2: row.code_iso_3166_2,
	ine_code_pro: row.ine_code_pro,
});

export const cityView = (row: CityRow) => ({
	id: row._id,
	country_id: row.country_id,
	province_id: row.province_id,
	name: row.name,
	ine_code: row.ine_code,
	ine_code_mun: row.ine_code_mun,
});
