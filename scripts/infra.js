#!/usr/bin/env node
/**
 * Development and test infrastructure for Kasify: MongoDB, NATS with JetStream, Redis.
 *
 * Each piece comes from the first source that applies:
 *   1. its URL in the environment (MONGO_URL, NATS_URL, REDIS_URL): nothing is started;
 *   2. a Docker engine that answers: containers kasify-dev-{mongo,nats,redis} on 127.0.0.1;
 *   3. local binaries on loopback (nats-server, redis-server, and FerretDB standing in for
 *      MongoDB), with all their state under one wipeable directory (.local/ by default).
 * Whatever already answers on a port is reused, so repeated or overlapping calls (npm start,
 * jest, a developer's terminal) never start a second copy.
 *
 * Usage: node scripts/infra.js <up|down|status|env [--export]>
 * Env: KASIFY_LOCAL_DIR, KASIFY_{MONGO,NATS,REDIS}_PORT, KASIFY_INFRA=docker|local (force a mode).
 */
"use strict";

const { ensureInfra, stopInfra, infraStatus, PIECES, layout } = require("./infra/index");

module.exports = { ensureInfra, stopInfra, infraStatus, PIECES };

/* ------------------------------------------------------------------------------------------ */
/* CLI: progress goes to stderr so `env` output stays sourceable.                               */

async function main(argv) {
	const [command, ...flags] = argv;
	const log = (message) => process.stderr.write(`${message}\n`);
	switch (command) {
		case "up": {
			const infra = await ensureInfra({ log });
			process.stdout.write(`Kasify infrastructure is up (${infra.mode}):\n`);
			for (const piece of PIECES) {
				process.stdout.write(`  ${piece.envVar}=${infra[piece.envVar]}\n`);
			}
			return 0;
		}
		case "env": {
			const infra = await ensureInfra({ log });
			const prefix = flags.includes("--export") ? "export " : "";
			for (const piece of PIECES) {
				const quoted = `'${infra[piece.envVar].replace(/'/g, `'\\''`)}'`;
				process.stdout.write(`${prefix}${piece.envVar}=${quoted}\n`);
			}
			return 0;
		}
		case "down":
			await stopInfra({ log });
			return 0;
		case "status": {
			const rows = await infraStatus();
			process.stdout.write(`Kasify infrastructure (local dir ${layout().local}):\n`);
			for (const row of rows) {
				const answer = row.answers === null ? "?" : row.answers ? "up" : "DOWN";
				const detail = row.answers ? "" : ` (${row.detail})`;
				process.stdout.write(
					`  ${row.key.padEnd(6)}${answer.padEnd(5)} ${row.url}\n` +
						`        ${row.source}${detail}\n`,
				);
			}
			return rows.every((row) => row.answers !== false) ? 0 : 1;
		}
		default:
			process.stderr.write(
				"Usage: node scripts/infra.js <command>\n" +
					"  up      start (or reuse) MongoDB/FerretDB, NATS with JetStream and Redis\n" +
					"  down    stop what infra.js started (data kept; rm -rf .local/data wipes)\n" +
					"  status  show each piece, where it comes from and whether it answers\n" +
					"  env     ensure, then print MONGO_URL=... lines for a shell " +
					"(--export adds export)\n",
			);
			return 2;
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(err) => {
			process.stderr.write(`infra: ${err.message}\n`);
			process.exit(1);
		},
	);
}
