/** Lock: serialises ensure/stop across processes so two callers never start two copies. */
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { isAlive, readPid, sleep } = require("./proc");

// A cold FerretDB build takes minutes; a second caller waits for it instead of building again.
const LOCK_TIMEOUT_MS = 15 * 60_000;

let lockDepth = 0;

async function withLock(dirs, log, fn) {
	fs.mkdirSync(dirs.run, { recursive: true });
	const lockFile = path.join(dirs.run, "infra.lock");
	const deadline = Date.now() + LOCK_TIMEOUT_MS;
	let told = false;
	for (;;) {
		try {
			fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
			break;
		} catch (err) {
			if (err.code !== "EEXIST") throw err;
		}
		const holder = readPid(lockFile);
		const age = Date.now() - (fs.statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? 0);
		// A dead holder, or our own pid left over from an earlier container run, is stale.
		const stale = holder
			? !isAlive(holder) || (holder === process.pid && lockDepth === 0)
			: age > 5_000;
		if (stale) {
			fs.rmSync(lockFile, { force: true });
			continue;
		}
		if (Date.now() > deadline) {
			throw new Error(`Timed out waiting for ${lockFile} (held by pid ${holder}).`);
		}
		if (!told) log(`Waiting for another infra.js (pid ${holder}) to finish…`);
		told = true;
		await sleep(250);
	}
	lockDepth += 1;
	const release = () => fs.rmSync(lockFile, { force: true });
	process.once("exit", release); // Ctrl-C during a build must not leave the lock behind
	try {
		return await fn();
	} finally {
		lockDepth -= 1;
		process.removeListener("exit", release);
		release();
	}
}

module.exports = { withLock };
