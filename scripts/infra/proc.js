/** Small process and file helpers shared by the local and Docker modes. */
"use strict";

const { spawn, execFile } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a command to completion; resolves { code, stdout, stderr }, code null if it never ran. */
function run(command, args, { timeoutMs = 0, cwd, env } = {}) {
	return new Promise((resolve) => {
		execFile(
			command,
			args,
			{ timeout: timeoutMs, cwd, env, maxBuffer: 16 * 1024 * 1024, killSignal: "SIGKILL" },
			(err, stdout, stderr) => {
				const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
				const errors = String(stderr || (err && err.message) || "");
				resolve({ code, stdout: String(stdout), stderr: errors });
			},
		);
	});
}

/** Runs a long command with its output appended to a log file (apt, go build). */
function runLogged(command, args, logFile, { cwd, env } = {}) {
	return new Promise((resolve) => {
		const out = fs.openSync(logFile, "a");
		fs.writeSync(out, `\n--- ${new Date().toISOString()} ${command} ${args.join(" ")}\n`);
		const child = spawn(command, args, { cwd, env, stdio: ["ignore", out, out] });
		fs.closeSync(out);
		child.on("error", (err) => resolve(`could not run ${command}: ${err.message}`));
		child.on("exit", (code, signal) => resolve(code === 0 ? null : `exit ${code ?? signal}`));
	});
}

/** PATH lookup that also covers the sbin directories where Debian puts nats-server. */
function findExecutable(name) {
	const dirs = (process.env.PATH || "").split(path.delimiter).filter(Boolean);
	for (const dir of [...dirs, "/usr/local/sbin", "/usr/sbin", "/sbin"]) {
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {
			// not in this directory
		}
	}
	return null;
}

function isAlive(pid) {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return err.code === "EPERM";
	}
}

function readPid(file) {
	try {
		const pid = Number(fs.readFileSync(file, "utf8").trim());
		return Number.isInteger(pid) && pid > 0 ? pid : null;
	} catch {
		return null;
	}
}

/** Guards against a pid file outliving its process and the pid going to something else. */
function argvOf(pid) {
	try {
		// Redis rewrites its title to "redis-server 127.0.0.1:6379", hence the split on spaces.
		return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split(/[\0 ]/).filter(Boolean);
	} catch {
		return null; // no procfs (macOS): trust the pid file
	}
}
function killQuietly(pid, signal) {
	try {
		process.kill(pid, signal);
	} catch {
		// already gone
	}
}

/** Arguments as a reader would type them: the empty `--save ""` must stay visible. */
function shellWords(args) {
	return args.map((arg) => (/^[\w./:=@-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(" ");
}

function tailOf(file, lines = 15) {
	try {
		const text = fs.readFileSync(file, "utf8").trimEnd();
		// Long lines (Redis warnings) are cut: the message is read in a terminal.
		const tail = text
			.split("\n")
			.slice(-lines)
			.map((line) => line.slice(0, 160));
		return `\nLast lines of ${file}:\n${tail.map((line) => `  | ${line}`).join("\n")}`;
	} catch {
		return `\n(no log at ${file})`;
	}
}

module.exports = {
	sleep,
	run,
	runLogged,
	findExecutable,
	isAlive,
	readPid,
	argvOf,
	killQuietly,
	shellWords,
	tailOf,
};
