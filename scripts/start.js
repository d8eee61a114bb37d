#!/usr/bin/env node
/**
 * `npm start`: the whole system on this machine, one process per service as in production.
 *
 *   1. loads `.env` when there is one (variables already set win);
 *   2. starts or reuses MongoDB (FerretDB), NATS and Redis through scripts/infra.js;
 *   3. builds, then runs each dist/services/<name>.service.js in its own moleculer-runner;
 *   4. waits for the gateway's /ready and prints where to go next.
 * Ctrl-C stops every service; a service that exits on its own stops the others.
 *
 * Usage: npm start [-- --only accounts,api]   (or SERVICES=accounts,api npm start)
 */
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");
const { ensureInfra } = require("./infra");
const { GATEWAY, discoverServices, selectServices, serviceEnv } = require("./start/services");
const { startGroup, describeExit } = require("./start/supervisor");
const { waitForReady } = require("./start/ready");

const ROOT = path.resolve(__dirname, "..");
// Relative to ROOT, the children's working directory, as moleculer-runner resolves them.
const SERVICE_DIR = "dist/services";
const CONFIG_FILE = "dist/moleculer.config.js";
// A cold start connects every service to NATS, Redis and the database, and creates indexes.
const READY_TIMEOUT_MS = 90_000;
const TOKEN_HINT = "npm run token -- --sub alice --email alice@example.es";

const say = (message) => process.stdout.write(`[start] ${message}\n`);

function loadDotEnv() {
	const file = path.join(ROOT, ".env");
	if (!fs.existsSync(file)) return;
	process.loadEnvFile(file);
	say(`Loaded ${file}`);
}

function build() {
	say("Building: npm run build");
	const result = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
	if (result.error) throw new Error(`Could not run npm: ${result.error.message}`);
	if (result.status !== 0) {
		const how = result.signal ? `killed by ${result.signal}` : `exit ${result.status}`;
		throw new Error(`The build failed (${how}); fix the errors above and run npm start again.`);
	}
}

async function main() {
	const { values } = parseArgs({ options: { only: { type: "string" } } });
	loadDotEnv();
	const requested = values.only ?? process.env.SERVICES;

	const infra = await ensureInfra({
		log: (message) => process.stdout.write(`[infra] ${message}\n`),
	});
	build();
	const available = discoverServices(path.join(ROOT, SERVICE_DIR));
	const chosen = selectServices(available, requested);
	const baseEnv = {
		...process.env,
		MONGO_URL: infra.MONGO_URL,
		NATS_URL: infra.NATS_URL,
		REDIS_URL: infra.REDIS_URL,
	};

	say(`Starting ${chosen.join(", ")}`);
	let stopping = false;
	const group = startGroup(
		chosen.map((name) => ({
			name,
			env: serviceEnv(name, available, { serviceDir: SERVICE_DIR, baseEnv }),
		})),
		{
			cwd: ROOT,
			configFile: CONFIG_FILE,
			onExit: (name, result) => {
				if (stopping) return;
				stopping = true;
				say(`Service "${name}" ${describeExit(result)}; stopping the others.`);
				group.stop(say).then(() => {
					say(`Stopped because "${name}" ${describeExit(result)} (see its lines above).`);
					process.exit(1);
				});
			},
		},
	);

	const shutdown = (signal) => {
		if (stopping) {
			say("Killing whatever is still running.");
			group.killAll();
			return;
		}
		stopping = true;
		say(`${signal}: stopping ${chosen.join(", ")} (press Ctrl-C again to kill them)`);
		group.stop(say).then((clean) => {
			say(clean ? "All services stopped." : "Stopped; some services had to be killed.");
			process.exit(clean ? 0 : 1);
		});
	};
	// SIGHUP too (terminal closed): the services run in their own process groups and would
	// otherwise outlive this script.
	for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
		process.on(signal, () => shutdown(signal));
	}

	if (!chosen.includes(GATEWAY)) {
		say(`Running ${chosen.join(", ")}; without the gateway there is no /ready to wait for.`);
		return;
	}
	const base = `http://127.0.0.1:${process.env.PORT || 8080}`;
	const { ready, last } = await waitForReady(`${base}/ready`, {
		timeoutMs: READY_TIMEOUT_MS,
		cancelled: () => stopping,
	});
	if (stopping) return;
	if (ready) {
		say(`Kasify is ready: API ${base} | docs ${base}/docs | token: ${TOKEN_HINT}`);
	} else {
		const answer = last.status ? `HTTP ${last.status} ${last.body.slice(0, 300)}` : last.body;
		say(
			`${base}/ready did not answer 200 within ${READY_TIMEOUT_MS / 1000} s ` +
				`(last answer: ${answer}). The services keep running; Ctrl-C stops them.`,
		);
	}
}

main().catch((err) => {
	process.stderr.write(`[start] ${err.message}\n`);
	process.exit(1);
});
