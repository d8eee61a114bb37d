/** Docker mode: one kasify-dev-* container per piece, published on loopback. */
"use strict";

const { HOST } = require("./paths");
const { portTaken, waitUntilUp } = require("./probes");
const { run } = require("./proc");

const DOCKER_INFO_TIMEOUT_MS = 5_000;

let dockerAnswer = null;

/** True when a Docker engine answers; asked once per process. */
function dockerAvailable() {
	if (!dockerAnswer) {
		dockerAnswer = run("docker", ["info", "--format", "{{.ServerVersion}}"], {
			timeoutMs: DOCKER_INFO_TIMEOUT_MS,
		}).then((result) => result.code === 0);
	}
	return dockerAnswer;
}

async function inspectContainer(name, containerPort) {
	const result = await run("docker", [
		"inspect",
		"--format",
		"{{.State.Running}} {{json .HostConfig.PortBindings}}",
		name,
	]);
	if (result.code !== 0) return { exists: false };
	const [running, bindings] = result.stdout.trim().split(" ");
	let hostPort = null;
	try {
		hostPort = Number(JSON.parse(bindings)[`${containerPort}/tcp`][0].HostPort);
	} catch {
		// no binding for that port: treated as a mismatch below
	}
	return { exists: true, running: running === "true", hostPort };
}

async function ensureDockerPiece(piece, port, log) {
	const { name, image, port: containerPort, command } = piece.docker;
	let state = await inspectContainer(name, containerPort);

	if (state.exists && state.hostPort !== port) {
		// Created earlier with another port: recreate rather than silently use the wrong one.
		log(`${piece.label}: recreating ${name} to publish port ${port}`);
		await run("docker", ["rm", "-f", name]);
		state = { exists: false };
	}
	if (state.running) {
		log(`${piece.label}: reusing running container ${name}`);
	} else if (state.exists) {
		log(`${piece.label}: starting existing container ${name}`);
		await mustSucceed(piece, run("docker", ["start", name]), `docker start ${name}`);
	} else {
		const probe = await piece.probe(HOST, port);
		if (probe.state === "up") {
			log(`${piece.label}: reusing the server already answering on ${HOST}:${port}`);
			return;
		}
		if (probe.state === "foreign") throw portTaken(piece, port, probe);
		log(`${piece.label}: starting container ${name} (${image}; a first pull takes a while)`);
		const args = ["run", "-d", "--name", name, "--label", "kasify.dev=infra"];
		args.push("-p", `${HOST}:${port}:${containerPort}`, image, ...command);
		const result = await run("docker", args);
		// Another caller may have created it between our inspect and run: start theirs instead.
		if (result.code !== 0 && !/already in use/i.test(result.stderr)) {
			throw new Error(`${piece.label}: docker run ${name} failed: ${result.stderr.trim()}`);
		}
		if (result.code !== 0) await run("docker", ["start", name]);
	}

	await waitUntilUp(piece, port, {
		isGone: () => null,
		logTail: async () => {
			const logs = await run("docker", ["logs", "--tail", "15", name]);
			return `\nLast lines of docker logs ${name}:\n${(logs.stdout + logs.stderr).trimEnd()}`;
		},
	});
}

async function mustSucceed(piece, pending, what) {
	const result = await pending;
	if (result.code !== 0) {
		throw new Error(`${piece.label}: ${what} failed: ${result.stderr.trim()}`);
	}
}

module.exports = { dockerAvailable, inspectContainer, ensureDockerPiece };
