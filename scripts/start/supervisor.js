/** Runs each service in its own moleculer-runner process and stops them together. */
"use strict";

const { spawn } = require("node:child_process");
const path = require("node:path");
const readline = require("node:readline");

// The package's exports hide bin/, so go through its main file's directory.
const RUNNER = path.join(path.dirname(require.resolve("moleculer")), "bin", "moleculer-runner.js");
// A broker drains in-flight requests on SIGTERM; one that takes longer than this is stuck.
const FORCE_KILL_AFTER_MS = 15_000;

/** Copies a stream line by line, each line behind the service's tag. */
function prefixLines(input, output, tag) {
	readline
		.createInterface({ input, crlfDelay: Infinity })
		.on("line", (line) => output.write(`${tag} ${line}\n`));
}

/** How a process ended, in words. */
function describeExit({ code, signal, error }) {
	if (error) return `could not start (${error.message})`;
	return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/**
 * Starts one process per service. `onExit(name, result)` is called for every process that
 * ends while the group is not stopping.
 * @param {{ name: string, env: NodeJS.ProcessEnv }[]} services
 */
function startGroup(services, { cwd, configFile, onExit }) {
	const width = Math.max(...services.map((service) => service.name.length)) + 2;
	const running = new Map();
	let stopping = false;

	for (const { name, env } of services) {
		const child = spawn(process.execPath, [RUNNER, "--config", configFile], {
			cwd,
			env,
			stdio: ["ignore", "pipe", "pipe"],
			// Own process group: a Ctrl-C in the terminal reaches only this script, which then
			// stops each service exactly once instead of racing the terminal's SIGINT.
			detached: true,
		});
		const tag = `[${name}]`.padEnd(width);
		prefixLines(child.stdout, process.stdout, tag);
		prefixLines(child.stderr, process.stderr, tag);
		// "close" waits for the output to drain, so a crash's last lines print before we react.
		const ended = new Promise((resolve) => {
			child.on("error", (error) => resolve({ code: null, signal: null, error }));
			child.on("close", (code, signal) => resolve({ code, signal }));
		});
		const entry = { name, child, ended, exited: false };
		running.set(name, entry);
		ended.then((result) => {
			entry.exited = true;
			if (!stopping) onExit(name, result);
		});
	}

	// Detached children outlive a crash of this script unless killed on the way out.
	process.on("exit", () => {
		for (const entry of running.values()) if (!entry.exited) kill(entry.child, "SIGKILL");
	});

	/** SIGTERM to every live process; SIGKILL to those still running after the grace period. */
	async function stop(log) {
		stopping = true;
		const live = [...running.values()].filter((entry) => !entry.exited);
		for (const entry of live) kill(entry.child, "SIGTERM");
		let timer;
		const deadline = new Promise((resolve) => {
			timer = setTimeout(resolve, FORCE_KILL_AFTER_MS);
		});
		await Promise.race([Promise.all(live.map((entry) => entry.ended)), deadline]);
		clearTimeout(timer);
		const stuck = live.filter((entry) => !entry.exited);
		for (const entry of stuck) {
			log(`${entry.name} did not stop within ${FORCE_KILL_AFTER_MS / 1000} s: killing it`);
			kill(entry.child, "SIGKILL");
		}
		await Promise.all(stuck.map((entry) => entry.ended));
		return stuck.length === 0;
	}

	/** Force-kills whatever still runs (a second Ctrl-C). */
	function killAll() {
		for (const entry of running.values()) if (!entry.exited) kill(entry.child, "SIGKILL");
	}

	return { stop, killAll };
}

function kill(child, signal) {
	try {
		child.kill(signal);
	} catch {
		// already gone
	}
}

module.exports = { startGroup, describeExit };
