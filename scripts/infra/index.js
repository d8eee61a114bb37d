/**
 * Public API: ensureInfra, stopInfra and infraStatus. Each piece comes from its URL in the
 * environment, a Docker container, or a local binary, in that order (see scripts/infra.js).
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { URL } = require("node:url");
const { HOST } = require("./paths");
const { PIECES, layout } = require("./pieces");
const { withLock } = require("./lock");
const { dockerAvailable, inspectContainer, ensureDockerPiece } = require("./docker");
const { ensurePackages, ensureFerretDb, ensureLocalPiece, pidFileOwner } = require("./local");
const { isAlive, killQuietly, run, sleep } = require("./proc");

async function chooseMode() {
	const forced = process.env.KASIFY_INFRA;
	if (forced === "docker" || forced === "local") return forced;
	if (forced) throw new Error(`KASIFY_INFRA=${forced}: expected "docker" or "local".`);
	return (await dockerAvailable()) ? "docker" : "local";
}

/**
 * Makes sure MongoDB, NATS (JetStream) and Redis answer, starting what is missing.
 * @returns {Promise<{MONGO_URL: string, NATS_URL: string, REDIS_URL: string,
 *   mode: "env" | "docker" | "local", sources: Record<"mongo"|"nats"|"redis", string>}>}
 */
async function ensureInfra({ log = console.log } = {}) {
	const dirs = layout();
	const result = { mode: "env", sources: {} };
	const wanted = [];
	for (const piece of PIECES) {
		if (process.env[piece.envVar]) {
			result[piece.envVar] = process.env[piece.envVar];
			result.sources[piece.key] = "env";
		} else {
			wanted.push(piece);
		}
	}
	if (wanted.length === 0) return result;

	const mode = await chooseMode();
	result.mode = mode;
	await withLock(dirs, log, async () => {
		if (mode === "local") {
			// Install or build only what must start: a server already answering needs neither.
			const idle = [];
			for (const piece of wanted) {
				const probe = await piece.probe(HOST, dirs.ports[piece.key]);
				if (probe.state !== "up" && !pidFileOwner(dirs, piece)) idle.push(piece);
			}
			fs.mkdirSync(dirs.log, { recursive: true });
			await ensurePackages(idle, dirs, log);
			if (idle.some((piece) => piece.key === "mongo")) await ensureFerretDb(dirs, log);
		}
		const outcomes = await Promise.allSettled(
			wanted.map((piece) =>
				mode === "docker"
					? ensureDockerPiece(piece, dirs.ports[piece.key], log)
					: ensureLocalPiece(piece, dirs.ports[piece.key], dirs, log),
			),
		);
		const failures = outcomes.filter((outcome) => outcome.status === "rejected");
		if (failures.length > 0) {
			throw new Error(failures.map((failure) => failure.reason.message).join("\n\n"));
		}
	});
	for (const piece of wanted) {
		result[piece.envVar] = piece.url(HOST, dirs.ports[piece.key]);
		result.sources[piece.key] = mode;
	}
	return result;
}

/** Stops only what this script started: pid-file processes and the kasify-dev-* containers. */
async function stopInfra({ log = console.log } = {}) {
	const dirs = layout();
	await withLock(dirs, log, async () => {
		for (const piece of PIECES) {
			const pidFile = path.join(dirs.run, `${piece.key}.pid`);
			const pid = pidFileOwner(dirs, piece)?.pid;
			if (pid) {
				killQuietly(pid, "SIGTERM");
				const deadline = Date.now() + 10_000;
				while (isAlive(pid) && Date.now() < deadline) await sleep(100);
				if (isAlive(pid)) killQuietly(pid, "SIGKILL");
				log(`${piece.label}: stopped ${piece.local.label} (pid ${pid})`);
			}
			fs.rmSync(pidFile, { force: true });
		}
		if (!(await dockerAvailable())) return;
		for (const piece of PIECES) {
			const state = await inspectContainer(piece.docker.name, piece.docker.port);
			if (!state.running) continue;
			// Stop, not remove: the next `up` restarts it with its data.
			await run("docker", ["stop", piece.docker.name]);
			log(`${piece.label}: stopped container ${piece.docker.name}`);
		}
	});
}

/** What answers where, and who started it; read-only. */
async function infraStatus() {
	const dirs = layout();
	const docker = await dockerAvailable();
	return Promise.all(
		PIECES.map(async (piece) => {
			const fromEnv = process.env[piece.envVar];
			const url = fromEnv || piece.url(HOST, dirs.ports[piece.key]);
			const target = probeTarget(url, piece);
			const probe = target ? await piece.probe(target.host, target.port) : null;
			let source = "not started by infra.js";
			const owner = pidFileOwner(dirs, piece);
			if (fromEnv) source = `from ${piece.envVar}`;
			else if (owner) source = `${piece.local.label} started by infra.js, pid ${owner.pid}`;
			else if (docker) {
				const state = await inspectContainer(piece.docker.name, piece.docker.port);
				if (state.running) source = `container ${piece.docker.name}`;
			}
			return {
				key: piece.key,
				url,
				answers: probe ? probe.state === "up" : null,
				detail: probe ? probe.detail : "not probed (URL without a single host:port)",
				source,
			};
		}),
	);
}

function probeTarget(url, piece) {
	try {
		const parsed = new URL(url);
		if (parsed.protocol === "mongodb+srv:") return null;
		return {
			host: parsed.hostname.replace(/^\[|\]$/g, ""),
			port: Number(parsed.port) || piece.defaultPort,
		};
	} catch {
		return null;
	}
}

module.exports = { ensureInfra, stopInfra, infraStatus, PIECES, layout };
