/**
 * The three searches, answered from the replica's snapshot of the rows (see snapshot.ts). A
 * query is normalised like the stored search keys and matched as a substring of them. Results
 * are ranked: exact codes first, then names with a form that starts with the query, then the
 * other matches; within each group by name in the language's alphabetical order, then by id.
 */
import type { CityRow, CountryRow, ProvinceRow } from "./dataset";
import { matchTier } from "./normalise";
import type { GeoSnapshot } from "./snapshot";
import { cityView, countryView, provinceView } from "./views";

export interface SearchInput {
	/** The normalised query; empty or absent means every row. */
	q?: string;
	page: number;
	size: number;
}

export interface Page<T> {
	items: T[];
	total: number;
}

interface Ranked {
	search_keys: string[];
}

/**
 * Ranks and pages matching rows; `isExact` marks rows whose code equals the query. The rows
 * come in name order (snapshot.ts sorts them once), so grouping them by tier, keeping their
 * order within each group, gives the full order without sorting per search.
 */
export function rankAndPage<T extends Ranked>(
	rows: readonly T[],
	input: SearchInput,
	isExact: (row: T) => boolean = () => false,
): Page<T> {
	const q = input.q;
	const tiers: T[][] = [[], [], []];
	for (const row of rows) {
		tiers[isExact(row) ? 0 : q ? 1 + matchTier(row.search_keys, q) : 1].push(row);
	}
	// Not tiers.flat(): on thousands of rows it is several times slower than concat.
	const ranked = tiers[0].concat(tiers[1], tiers[2]);
	const start = input.page * input.size;
	return { items: ranked.slice(start, start + input.size), total: ranked.length };
}

/** True when no query was given or one of the keys contains it. */
const keysMatch = (row: Ranked, q: string | undefined) =>
	!q || row.search_keys.some((key) => key.includes(q));

export function searchCountries(snapshot: GeoSnapshot, input: SearchInput) {
	const { q } = input;
	// "es", "esp", "ES" find Spain by its ISO code as well as by name.
	const code = q && /^[a-z]{2,3}$/.test(q) ? q.toUpperCase() : null;
	const isExact = (row: CountryRow) =>
		code !== null && row[code.length === 2 ? "alpha_2" : "alpha_3"] === code;
	const rows = snapshot.countries.filter((row) => keysMatch(row, q) || isExact(row));
	const page = rankAndPage(rows, input, isExact);
	return { countries: page.items.map(countryView), ...paging(input, page.total) };
}

export function searchProvinces(
	snapshot: GeoSnapshot,
	input: SearchInput & { countryId?: string },
) {
	const { q, countryId } = input;
	const rows = snapshot.provinces.filter(
		(row: ProvinceRow) => (!countryId || row.country_id === countryId) && keysMatch(row, q),
	);
	const page = rankAndPage(rows, input);
	return { provinces: page.items.map(provinceView), ...paging(input, page.total) };
}

export function searchCities(snapshot: GeoSnapshot, input: SearchInput & { provinceId?: string }) {
	const { q, provinceId } = input;
	// A 5-digit query is also an INE municipality code (what SES forms carry).
	const ineCode = q && /^\d{5}$/.test(q) ? q : null;
	const isExact = (row: CityRow) => row.ine_code === ineCode;
	const rows = snapshot.cities.filter(
		(row) =>
			(!provinceId || row.province_id === provinceId) && (keysMatch(row, q) || isExact(row)),
	);
	const page = rankAndPage(rows, input, isExact);
	return { cities: page.items.map(cityView), ...paging(input, page.total) };
}

function paging(input: SearchInput, total: number) {
	return { page: input.page, size: input.size, total };
}
