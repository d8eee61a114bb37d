/**
 * Search keys for geo names. FerretDB has no text or collation indexes, so each row stores
 * the forms a user may type, already lowercased and without accents, and a search is a regular
 * expression over them: `cadiz` finds "Cádiz", `a coruna` finds "Coruña, A", `alicante` finds
 * "Alacant/Alicante".
 */

/** Letters that Unicode does not decompose into a base letter and an accent. */
const FOLDED: Record<string, string> = {
	ß: "ss",
	æ: "ae",
	œ: "oe",
	ø: "o",
	ł: "l",
	đ: "d",
	ı: "i",
};

/**
 * Lowercase, accents and punctuation removed, single spaces. Queries and stored keys go
 * through the same function, so "Coruña, A", "coruna a" and "CORUÑA A" meet.
 */
export function normalise(text: string): string {
	return (
		text
			.normalize("NFKD")
			.replace(/\p{M}+/gu, "")
			.toLowerCase()
			.replace(/[ßæœøłđı]/g, (letter) => FOLDED[letter])
			// Catalan "l·l" is typed "ll" far more often than with the middle dot.
			.replace(/·/g, "")
			.replace(/[^\p{L}\p{N}]+/gu, " ")
			.trim()
	);
}

/**
 * INE postpones a leading article after a comma ("Coruña, A", "Palmas de Gran Canaria, Las",
 * "Vila Joiosa, la"). A single word after the last comma is taken for one and also moved to
 * the front; longer tails ("Castell d'Aro, Platja d'Aro i s'Agaró") are not articles.
 */
function withArticleInFront(name: string): string | null {
	const match = /^(.+),\s*(\p{L}+'?)$/u.exec(name.trim());
	if (!match) return null;
	const [, rest, article] = match;
	return article.endsWith("'") ? `${article}${rest}` : `${article} ${rest}`;
}

/**
 * Every form under which a name is found: the whole name, each co-official part of a name
 * joined by "/" (INE's "Donostia/San Sebastián"), and each of those with its postponed
 * article moved to the front.
 */
export function searchKeys(...names: string[]): string[] {
	const forms = new Set<string>();
	for (const name of names) {
		const parts = name.includes("/") ? [name, ...name.split("/")] : [name];
		for (const part of parts) {
			forms.add(normalise(part));
			const fronted = withArticleInFront(part);
			if (fronted) forms.add(normalise(fronted));
		}
	}
	forms.delete("");
	return [...forms];
}

/** 0 when a key starts with the normalised query (a prefix match), 1 otherwise (infix). */
export function matchTier(keys: readonly string[], query: string): 0 | 1 {
	return keys.some((key) => key.startsWith(query)) ? 0 : 1;
}
