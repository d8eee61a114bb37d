/**
 * Every domain service runs as its own process, as its container does: it answers ready on
 * its probe port once connected, and exits cleanly on SIGTERM.
 */
import { execFileSync } from "node:child_process";
import { DOMAIN_SERVICES } from "../../shared/system";
import { cleanUp, eventually, newNamespace } from "../helpers/stack";
import { rootPath } from "./project";
import { containerEnv, freePort, killAll, startProcess, statusOf } from "./processes";

const namespaces: [string, string][] = [];

beforeAll(() => {
	execFileSync(
		process.execPath,
		[rootPath("node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
		{ cwd: rootPath(), stdio: "inherit" },
	);
});

afterAll(async () => {
	await killAll();
	for (const [ns, service] of namespaces) await cleanUp(ns, [service]);
});

it.each([...DOMAIN_SERVICES])(
	"%s starts alone, becomes ready and stops on SIGTERM",
	async (service) => {
		const namespace = newNamespace(`proc-${service}`);
		namespaces.push([namespace, service]);
		const healthPort = String(await freePort());
		const child = startProcess(
			containerEnv(service, { NAMESPACE: namespace, HEALTH_PORT: healthPort }),
		);

		const ready = `http://127.0.0.1:${healthPort}/ready`;
		// geo loads its reference data on first start: allow for it.
		await eventually(
			async () => ((await statusOf(ready, 2000)) === 200 ? true : undefined),
			120_000,
			250,
		);
		expect(await statusOf(`http://127.0.0.1:${healthPort}/health`)).toBe(200);

		child.child.kill("SIGTERM");
		expect((await child.exited).code).toBe(0);
	},
	150_000,
);
