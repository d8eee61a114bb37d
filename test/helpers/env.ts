/**
 * Overrides environment variables for one test file and reloads the configuration; the
 * returned function puts the previous values back.
 */
import { resetConfig } from "../../shared/config";

export function overrideEnv(values: Record<string, string>): () => void {
	const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
	Object.assign(process.env, values);
	resetConfig();
	return () => {
		for (const [name, value] of Object.entries(saved)) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
		resetConfig();
	};
}
