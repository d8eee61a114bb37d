#!/usr/bin/env node
/* global require, module, process, console, __dirname, URL, setTimeout */
"use strict";
/**
 * City search through the gateway, measured beside a trivial gateway route (GET /health) in
 * the same run, so that the numbers say what the search costs on top of the HTTP path.
 *
 *   npm run build && node bench/geo-search.js
 *
 * By default it starts the gateway and the geo service in this process from dist/, one broker
 * each, talking over the NATS, MongoDB and Redis named by NATS_URL, MONGO_URL and REDIS_URL
 * (the same servers the tests use), in a namespace of its own that it drops at the end. With
 * BENCH_URL it measures a gateway that is already running instead.
 *
 * Rows: GET /health; city searches answered from the Redis result cache (a fixed set of
 * queries, sent once before measuring); city searches nobody asked before (one per
 * municipality name, so every one misses Redis and is searched in the geo replica's
 * in-memory snapshot of the rows, then stored in Redis).
 *
 * Rate limit: geo allows 50 requests a minute per client address (§1.8). The in-process
 * gateway runs with TRUSTED_PROXIES=127.0.0.1 and every request carries an X-Forwarded-For
 * address of its own, which the gateway then takes as the client's. Against BENCH_URL this
 * works only if that gateway trusts the address the benchmark connects from.
 *
 * Env: BENCH_URL, BENCH_REQUESTS (per row, default 1000), BENCH_MISSES (Redis-miss row,
 * default 1000, at most one per distinct municipality name), BENCH_CONCURRENCY (default 16).
 */
const http = require("node:http");
const path = require("node:path");
const fs = require("node:fs");
const { randomBytes } = require("node:crypto");

const REQUESTS = Number(process.env.BENCH_REQUESTS || 1000);
const MISSES = Number(process.env.BENCH_MISSES || 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);
const DIST = path.resolve(__dirname, "../dist");
const DATA = path.resolve(__dirname, "../services/geo/data/municipalities.json");

/** What people type into an address form: prefixes, articles, co-official names, codes. */
const CACHED_QUERIES = [
	"mad",
	"madrid",
	"barcelona",
	"sev",
	"valencia",
	"a coruna",
	"alicante",
	"san sebastian",
	"las palmas",
	"malaga",
	"cadiz",
	"zaragoza",
	"bilbao",
	"santiago",
	"villa",
	"san",
	"28079",
	"08019",
	"palma",
	"toledo",
];

let clients = 0;
/** A client address per request (TEST-NET and benchmark ranges), cycling through 65,536. */
function nextClient() {
	clients = (clients + 1) % 65536;
	return `198.18.${clients >> 8}.${clients & 255}`;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(base, pathAndQuery) {
	const url = new URL(pathAndQuery, base);
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const req = http.get(
			url,
			{ agent, headers: { "x-forwarded-for": nextClient() } },
			(res) => {
				res.resume();
				res.on("end", () => {
					const ms = Number(process.hrtime.bigint() - started) / 1e6;
					if (res.statusCode !== 200) {
						reject(new Error(`${pathAndQuery} answered ${res.statusCode}`));
					} else resolve(ms);
				});
			},
		);
		req.on("error", reject);
	});
}

/** Sends `paths` with CONCURRENCY requests in flight; returns throughput and latencies. */
async function measure(base, paths) {
	const latencies = [];
	let next = 0;
	const started = process.hrtime.bigint();
	const worker = async () => {
		while (next < paths.length) latencies.push(await get(base, paths[next++]));
	};
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, paths.length) }, worker));
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	latencies.sort((a, b) => a - b);
	const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
	return { requests: paths.length, rps: paths.length / seconds, p50: at(0.5), p99: at(0.99) };
}

const cityPath = (query) => `/v1/geo/cities?query=${encodeURIComponent(query)}`;

/** Starts geo and the gateway from dist/ on brokers of their own; returns URL and stop(). */
async function startInProcess() {
	if (!fs.existsSync(path.join(DIST, "services/geo/geo.service.js"))) {
		throw new Error("dist/ has no geo service: run `npm run build` first");
	}
	process.env.TRUSTED_PROXIES = process.env.TRUSTED_PROXIES || "127.0.0.1";
	const { ServiceBroker } = require("moleculer");
	const mongoose = require("mongoose");
	const { brokerOptions } = require(path.join(DIST, "shared/broker-options"));
	const { config } = require(path.join(DIST, "shared/config"));
	const { databaseName } = require(path.join(DIST, "shared/mixins/database.mixin"));
	const namespace = `bench-geo-${randomBytes(3).toString("hex")}`;
	const broker = (name) =>
		new ServiceBroker(
			brokerOptions({
				namespace,
				nodeID: `${name}-${namespace}`,
				logger: false,
				skipProcessEventRegistration: true,
			}),
		);

	const geoBroker = broker("geo");
	geoBroker.createService(require(path.join(DIST, "services/geo/geo.service")));
	await geoBroker.start();
	const apiBroker = broker("api");
	const api = apiBroker.createService({
		name: "api",
		mixins: [require(path.join(DIST, "services/api/api.service"))],
		settings: { port: Number(process.env.BENCH_PORT || 0), ip: "127.0.0.1" },
	});
	await apiBroker.start();
	await apiBroker.waitForServices(["geo"]);
	const url = `http://127.0.0.1:${api.server.address().port}`;

	// The gateway builds its routes from the registry shortly after it sees the service.
	for (let tries = 0; ; tries++) {
		const ok = await get(url, "/v1/geo/provinces").then(
			() => true,
			() => false,
		);
		if (ok) break;
		if (tries > 100) throw new Error("The gateway never routed /v1/geo/provinces");
		await new Promise((resolve) => setTimeout(resolve, 100));
	}

	const stop = async () => {
		await geoBroker.cacher.clean();
		await apiBroker.stop();
		await geoBroker.stop();
		const db = await mongoose.createConnection(config().mongoUrl).asPromise();
		await db.useDb(databaseName(namespace, "geo")).dropDatabase();
		await db.close();
	};
	return { url, stop };
}

/** Two decimals, or two significant digits for ratios far below 1. */
const ratio = (value) => (value >= 0.1 ? value.toFixed(2) : value.toPrecision(2));

function table(rows, baseline) {
	const header = ["route", "requests", "req/s", "p50 ms", "p99 ms", "req/s vs /health"];
	const lines = rows.map(({ label, result }) => [
		label,
		String(result.requests),
		result.rps.toFixed(0),
		result.p50.toFixed(1),
		result.p99.toFixed(1),
		`${ratio(result.rps / baseline.rps)}×`,
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const format = (cells) =>
		cells.map((c, i) => (i === 0 ? c.padEnd : c.padStart).call(c, widths[i])).join("  ");
	console.log(format(header));
	console.log(widths.map((w) => "-".repeat(w)).join("  "));
	lines.forEach((line) => console.log(format(line)));
}

async function main() {
	const started = process.env.BENCH_URL ? null : await startInProcess();
	const base = process.env.BENCH_URL || started.url;
	try {
		const names = [...new Set(JSON.parse(fs.readFileSync(DATA, "utf8")).rows.map((r) => r[1]))];
		const cached = Array.from({ length: REQUESTS }, (_, i) =>
			cityPath(CACHED_QUERIES[i % CACHED_QUERIES.length]),
		);
		// Whole names, never sent before: each one misses Redis and searches the snapshot.
		const uncached = names.slice(0, MISSES).map(cityPath);

		// Warm-up: connections, JIT, and the Redis cache for the cached row.
		await measure(
			base,
			Array.from({ length: 200 }, () => "/health"),
		);
		await measure(base, CACHED_QUERIES.map(cityPath));

		const health = await measure(
			base,
			Array.from({ length: REQUESTS }, () => "/health"),
		);
		const hits = await measure(base, cached);
		const misses = await measure(base, uncached);
		console.log(`\nGeo city search through the gateway at ${base}, ${CONCURRENCY} in flight\n`);
		table(
			[
				{ label: "GET /health", result: health },
				{ label: "GET /v1/geo/cities (Redis cache hit)", result: hits },
				{ label: "GET /v1/geo/cities (Redis miss, in-memory search)", result: misses },
			],
			health,
		);
	} finally {
		agent.destroy();
		if (started) await started.stop();
	}
}

if (require.main === module) {
	main().catch((err) => {
		console.error(err);
		process.exit(1);
	});
}

module.exports = { measure };
