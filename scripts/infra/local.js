/**
 * Local mode: installs the Debian packages, builds FerretDB, and starts each server detached
 * on loopback with its pid file, log and data under the local directory.
 */
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { FERRETDB_SRC, HOST } = require("./paths");
const { portTaken, waitUntilUp } = require("./probes");
const {
	argvOf,
	findExecutable,
	isAlive,
	killQuietly,
	readPid,
	runLogged,
	shellWords,
	tailOf,
} = require("./proc");

/** The live process behind a piece's pid file, as { pid, port }, or null. */
function pidFileOwner(dirs, piece) {
	const pid = readPid(path.join(dirs.run, `${piece.key}.pid`));
	if (!isAlive(pid)) return null;
	const argv = argvOf(pid);
	if (argv === null) return { pid, port: null };
	const expected = path.basename(piece.local.binary(dirs) || piece.local.label);
	if (path.basename(argv[0] || "") !== expected) return null;
	// Every command line here ends its address with the port: "-p 4222", "127.0.0.1:27017".
	const port = argv
		.slice(1)
		.map((arg) => /(?:^|:)(\d+)$/.exec(arg)?.[1])
		.find(Boolean);
	return { pid, port: port ? Number(port) : null };
}

/** Installs missing Debian packages when we may (root + apt-get); otherwise says what to run. */
async function ensurePackages(pieces, dirs, log) {
	const missing = pieces.filter((piece) => piece.local.aptPackage && !piece.local.binary(dirs));
	if (missing.length === 0) return;
	const packages = missing.map((piece) => piece.local.aptPackage);
	const apt = findExecutable("apt-get");
	const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
	if (!apt || !isRoot) {
		throw new Error(
			`Missing ${packages.join(" and ")}. Install the Debian packages: ` +
				`sudo apt-get install ${packages.join(" ")} ` +
				`(or set ${missing.map((piece) => piece.envVar).join(", ")} to servers you run).`,
		);
	}
	const logFile = path.join(dirs.log, "apt.log");
	log(`Installing ${packages.join(" ")} with apt-get (one time; log: ${logFile})…`);
	const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
	const failure =
		(await runLogged(apt, ["update"], logFile, { env })) ||
		(await runLogged(apt, ["install", "-y", "--no-install-recommends", ...packages], logFile, {
			env,
		}));
	const stillMissing = missing.filter((piece) => !piece.local.binary(dirs));
	if (failure || stillMissing.length > 0) {
		throw new Error(
			`apt-get could not install ${packages.join(" ")} (${failure || "binary not found"}).` +
				tailOf(logFile),
		);
	}
}

/** Builds tools/ferretdb into <local>/bin/ferretdb once; the binary is reused afterwards. */
async function ensureFerretDb(dirs, log) {
	const target = path.join(dirs.bin, "ferretdb");
	if (fs.existsSync(target)) return;
	const goVersion = readGoDirective();
	const go = findExecutable("go");
	if (!go) {
		throw new Error(
			`FerretDB (the local MongoDB stand-in) is not built yet and Go is not installed. ` +
				`Install Go >= ${goVersion} (https://go.dev/dl/) and run this again, ` +
				`or set MONGO_URL to a MongoDB you run.`,
		);
	}
	fs.mkdirSync(dirs.bin, { recursive: true });
	const logFile = path.join(dirs.log, "ferretdb-build.log");
	log(
		`Building FerretDB from tools/ferretdb (first run only, a cold build takes minutes; ` +
			`log: ${logFile})…`,
	);
	// Build beside the target and rename, so an interrupted build never leaves half a binary.
	const partial = `${target}.partial-${process.pid}`;
	const failure = await runLogged(go, ["build", "-trimpath", "-o", partial, "."], logFile, {
		cwd: FERRETDB_SRC,
	});
	if (failure) {
		fs.rmSync(partial, { force: true });
		throw new Error(
			`Building FerretDB with ${go} failed (${failure}). It needs Go >= ${goVersion} ` +
				`and the Go module proxy (or a filled module cache).` +
				tailOf(logFile),
		);
	}
	fs.renameSync(partial, target);
	log(`FerretDB built: ${target}`);
}

/** The Go version tools/ferretdb/go.mod asks for, so the message stays true when it changes. */
function readGoDirective() {
	try {
		const goMod = fs.readFileSync(path.join(FERRETDB_SRC, "go.mod"), "utf8");
		return /^go\s+(\S+)/m.exec(goMod)?.[1] ?? "1.22";
	} catch {
		return "1.22";
	}
}

async function ensureLocalPiece(piece, port, dirs, log) {
	const name = piece.local.label;
	const pidFile = path.join(dirs.run, `${piece.key}.pid`);
	const logFile = path.join(dirs.log, `${piece.key}.log`);
	const logTail = async () => tailOf(logFile);

	const probe = await piece.probe(HOST, port);
	const owner = pidFileOwner(dirs, piece);
	const ours = owner && (owner.port === null || owner.port === port);
	if (probe.state === "up") {
		const who = ours ? `${name} (pid ${owner.pid})` : "the server";
		log(`${piece.label}: reusing ${who} already answering on ${HOST}:${port}`);
		return;
	}
	if (ours) {
		// Ours but not answering yet: still starting (or hung); never start a second one.
		log(`${piece.label}: waiting for ${name} (pid ${owner.pid}) started earlier`);
		const isGone = () => (isAlive(owner.pid) ? null : "it exited");
		await waitUntilUp(piece, port, { isGone, logTail });
		return;
	}
	if (probe.state === "foreign") throw portTaken(piece, port, probe);
	if (owner) {
		// Starting another would orphan the first one from `down`, which finds it by pid file.
		throw new Error(
			`${piece.label}: ${name} (pid ${owner.pid}) started by infra.js still runs on port ` +
				`${owner.port}; run "node scripts/infra.js down" before changing ${piece.portVar}.`,
		);
	}

	const binary = piece.local.binary(dirs);
	if (!binary) throw new Error(`${piece.label}: ${name} is not installed.`);
	const dataDir = path.join(dirs.data, piece.key === "mongo" ? "ferretdb" : piece.key);
	fs.mkdirSync(dataDir, { recursive: true });
	const args = piece.local.args(port, dataDir);
	const out = fs.openSync(logFile, "a");
	const started = new Date().toISOString();
	fs.writeSync(out, `\n--- ${started} infra.js starts: ${binary} ${shellWords(args)}\n`);
	// Detached with its own session: it outlives this process, jest, and a Ctrl-C in the terminal.
	const child = spawn(binary, args, {
		detached: true,
		stdio: ["ignore", out, out],
		cwd: dirs.local,
	});
	fs.closeSync(out);
	let gone = null;
	child.on("error", (err) => (gone = err.message));
	child.on("exit", (code, signal) => (gone = `exited with ${signal || `code ${code}`}`));
	if (child.pid) fs.writeFileSync(pidFile, String(child.pid));
	child.unref();
	log(`${piece.label}: started ${name} (pid ${child.pid}) on ${HOST}:${port}, log ${logFile}`);

	try {
		await waitUntilUp(piece, port, { isGone: () => gone, logTail });
	} catch (err) {
		// Leave nothing half-started behind that a later call would mistake for ours.
		if (child.pid && !gone) killQuietly(child.pid, "SIGKILL");
		fs.rmSync(pidFile, { force: true });
		throw err;
	}
}

module.exports = { ensurePackages, ensureFerretDb, ensureLocalPiece, pidFileOwner };
