/** Which services `npm start` runs, and the environment each one's process gets. */
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** The HTTP gateway; it serves on PORT and needs no probe port of its own. */
const GATEWAY = "api";
// Probe ports of the other services count up from here, in the order of the file names.
const FIRST_HEALTH_PORT = 3001;

/**
 * Service names from the compiled layout: each service lives in a folder of its own,
 * `<name>/<name>.service.js`, which is what `SERVICES=<name>` makes moleculer-runner load.
 */
function discoverServices(serviceDir) {
	let entries;
	try {
		entries = fs.readdirSync(serviceDir, { withFileTypes: true });
	} catch (err) {
		throw new Error(`Cannot read ${serviceDir} (${err.code}); did the build run?`);
	}
	const names = entries
		.filter((entry) => entry.isDirectory())
		.map((entry) => entry.name)
		.filter((name) => fs.existsSync(path.join(serviceDir, name, `${name}.service.js`)))
		.sort();
	if (names.length === 0) throw new Error(`No <name>/<name>.service.js in ${serviceDir}.`);
	return names;
}

/** The requested subset ("accounts,api"), checked against what exists; all when none asked. */
function selectServices(available, requested) {
	if (!requested) return available;
	const names = [...new Set(requested.split(",").map((name) => name.trim()))].filter(Boolean);
	const unknown = names.filter((name) => !available.includes(name));
	if (unknown.length > 0 || names.length === 0) {
		throw new Error(
			`Unknown service ${unknown.join(", ") || "(none given)"}; ` +
				`available: ${available.join(", ")}.`,
		);
	}
	return available.filter((name) => names.includes(name));
}

/**
 * One process's environment. The probe port depends on the full list, not the subset, so a
 * service keeps its port whether it is started alone or with the others.
 */
function serviceEnv(name, available, { serviceDir, baseEnv }) {
	const env = {
		...baseEnv,
		// moleculer-runner loads the folder dist/services/<name>/ and its *.service.js.
		SERVICES: name,
		SERVICEDIR: serviceDir,
		NODE_ID: `${name}-${os.hostname()}`,
	};
	if (name !== GATEWAY) {
		const others = available.filter((other) => other !== GATEWAY);
		env.HEALTH_PORT = String(FIRST_HEALTH_PORT + others.indexOf(name));
	}
	return env;
}

module.exports = { GATEWAY, discoverServices, selectServices, serviceEnv };
