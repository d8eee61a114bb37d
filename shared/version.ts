/** The project version, from package.json (found from source and from the compiled `dist/`). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

function findPackageJson(from: string): string | null {
	for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
		const candidate = join(dir, "package.json");
		if (existsSync(candidate)) return candidate;
	}
	return null;
}

const file = findPackageJson(__dirname);

export const VERSION: string = file
	? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version
	: "0.0.0";
