/**
 * The three pieces of infrastructure (MongoDB, NATS, Redis): how each is probed, run from a
 * container or from a local binary, and where its state and port live.
 */
"use strict";

const path = require("node:path");
const { ROOT, HOST } = require("./paths");
const { probeMongo, probeNats, probeRedis } = require("./probes");
const { findExecutable } = require("./proc");

/** The three pieces, in the order they are reported. */
const PIECES = [
	{
		key: "mongo",
		label: "MongoDB",
		envVar: "MONGO_URL",
		portVar: "KASIFY_MONGO_PORT",
		defaultPort: 27017,
		// No database name: each service picks its own. FerretDB 1.x has no retryable writes.
		url: (host, port) => `mongodb://${host}:${port}/?directConnection=true&retryWrites=false`,
		probe: probeMongo,
		docker: { name: "kasify-dev-mongo", image: "mongo:7", port: 27017, command: [] },
		local: {
			label: "FerretDB",
			binary: (dirs) => path.join(dirs.bin, "ferretdb"),
			args: (port, dataDir) => ["-listen", `${HOST}:${port}`, "-data", dataDir],
		},
	},
	{
		key: "nats",
		label: "NATS",
		envVar: "NATS_URL",
		portVar: "KASIFY_NATS_PORT",
		defaultPort: 4222,
		url: (host, port) => `nats://${host}:${port}`,
		probe: probeNats,
		docker: {
			name: "kasify-dev-nats",
			image: "nats:2.10",
			port: 4222,
			command: ["-js", "-sd", "/data"],
		},
		local: {
			label: "nats-server",
			aptPackage: "nats-server",
			binary: () => findExecutable("nats-server"),
			args: (port, dataDir) => ["-a", HOST, "-p", String(port), "-js", "-sd", dataDir],
		},
	},
	{
		key: "redis",
		label: "Redis",
		envVar: "REDIS_URL",
		portVar: "KASIFY_REDIS_PORT",
		defaultPort: 6379,
		url: (host, port) => `redis://${host}:${port}`,
		probe: probeRedis,
		docker: { name: "kasify-dev-redis", image: "redis:7", port: 6379, command: [] },
		local: {
			label: "redis-server",
			aptPackage: "redis-server",
			binary: () => findExecutable("redis-server"),
			// Throwaway cache and test data: no snapshots, no append-only file.
			args: (port, dataDir) => [
				"--bind",
				HOST,
				"--port",
				String(port),
				"--save",
				"",
				"--appendonly",
				"no",
				"--dir",
				dataDir,
				"--daemonize",
				"no",
			],
		},
	},
];

/** Directories and ports, read on every call so callers may change the environment first. */
function layout() {
	const local = path.resolve(process.env.KASIFY_LOCAL_DIR || path.join(ROOT, ".local"));
	const ports = {};
	for (const piece of PIECES) {
		const raw = process.env[piece.portVar];
		const port = raw ? Number(raw) : piece.defaultPort;
		if (!Number.isInteger(port) || port < 1 || port > 65535) {
			throw new Error(`${piece.portVar}=${raw} is not a TCP port number`);
		}
		ports[piece.key] = port;
	}
	return {
		local,
		bin: path.join(local, "bin"),
		data: path.join(local, "data"),
		run: path.join(local, "run"),
		log: path.join(local, "log"),
		ports,
	};
}

module.exports = { PIECES, layout };
