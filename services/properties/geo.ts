/**
 * Country, province and city of a property, checked against the geo service (`geo.resolve`)
 * and copied onto the property, so that reads never need the geo service.
 */
import type { Context } from "moleculer";
import type { ErrorDetail } from "../../shared/errors";

export interface GeoInput {
	country_code: string | null;
	province_id: string | null;
	city_id: string | null;
}

/** What `geo.resolve` answers; each part is null when it was not asked for or is unknown. */
interface GeoAnswer {
	country: { id: string; name: string; alpha_2: string; alpha_3: string } | null;
	province: { id: string; country_id: string; ine_code_pro: string } | null;
	city: { id: string; province_id: string; country_id: string } | null;
}

export interface GeoFields {
	country_code: string | null;
	country_id: string | null;
	country_name: string | null;
	province_id: string | null;
	province_code: string | null;
	city_id: string | null;
}

const NO_GEO: GeoFields = {
	country_code: null,
	country_id: null,
	country_name: null,
	province_id: null,
	province_code: null,
	city_id: null,
};

function check(answer: GeoAnswer, input: GeoInput): ErrorDetail[] {
	const errors: ErrorDetail[] = [];
	const fail = (field: string, message: string) => errors.push({ field, message });
	const { country, province, city } = answer;
	if (input.country_code && !country) fail("country_code", "Unknown country code.");
	if (input.province_id) {
		if (!province) fail("province_id", "Unknown province.");
		else if (!input.country_code) fail("province_id", "A province requires country_code.");
		// An unknown country is reported once, on country_code.
		else if (country && province.country_id !== country.id) {
			fail("province_id", "The province does not belong to the country.");
		}
	}
	if (input.city_id) {
		if (!input.province_id) fail("city_id", "A city requires province_id.");
		else if (!city) fail("city_id", "Unknown city.");
		else if (province && city.province_id !== province.id) {
			fail("city_id", "The city does not belong to the province.");
		}
	}
	return errors;
}

export async function resolveGeo(
	ctx: Context,
	input: GeoInput,
): Promise<{ fields: GeoFields; errors: ErrorDetail[] }> {
	if (!input.country_code && !input.province_id && !input.city_id) {
		return { fields: NO_GEO, errors: [] };
	}
	const query = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
	const answer = await ctx.call<GeoAnswer, Record<string, string>>("geo.resolve", query);
	const errors = check(answer, input);
	if (errors.length > 0) return { fields: NO_GEO, errors };
	return {
		fields: {
			country_code: answer.country?.alpha_2 ?? null,
			country_id: answer.country?.id ?? null,
			country_name: answer.country?.name ?? null,
			province_id: answer.province?.id ?? null,
			province_code: answer.province?.ine_code_pro ?? null,
			city_id: answer.city?.id ?? null,
		},
		errors,
	};
}
