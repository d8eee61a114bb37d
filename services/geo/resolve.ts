/**
 * `geo.resolve`: the rows behind a property's address, for the properties service to check
 * and copy. Each part is null when it was not asked for or does not exist.
 */
import type { CityRow, CountryRow, ProvinceRow } from "./dataset";
import type { GeoModels } from "./models";
import { cityView, countryView, provinceView } from "./views";

export interface ResolveParams {
	/** ISO 3166-1 alpha-2 or alpha-3, any case (§1.3). */
	country_code?: string;
	province_id?: string;
	city_id?: string;
}

export async function resolve(models: GeoModels, params: ResolveParams) {
	const code = params.country_code?.toUpperCase();
	const [country, province, city] = await Promise.all([
		code
			? models.Country.findOne(code.length === 2 ? { alpha_2: code } : { alpha_3: code })
					.lean<CountryRow>()
					.exec()
			: null,
		params.province_id
			? models.Province.findById(params.province_id.toLowerCase()).lean<ProvinceRow>().exec()
			: null,
		params.city_id
			? models.City.findById(params.city_id.toLowerCase()).lean<CityRow>().exec()
			: null,
	]);
	return {
		country: country ? countryView(country) : null,
		province: province ? provinceView(province) : null,
		city: city ? cityView(city) : null,
	};
}
