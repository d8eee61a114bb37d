#!/usr/bin/env node
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
const path = require("node:path");
const fs = require("node:fs");
const harness = require("./harness");

const { CONCURRENCY, clientHeaders, measure, ms, ratio, request, run, startStack, table, until } =
	harness;

const REQUESTS = Number(process.env.BENCH_REQUESTS || 1000);
const MISSES = Number(process.env.BENCH_MISSES || 1000);
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

const cityPath = (query) => `/v1/geo/cities?query=${encodeURIComponent(query)}`;

/** Starts geo and the gateway from dist/; the gateway trusts this process's forwarding. */
async function startInProcess() {
	process.env.TRUSTED_PROXIES = process.env.TRUSTED_PROXIES || "127.0.0.1";
	const stack = await startStack("geo", ["geo/geo.service"]);
	await until(
		() => request(stack.url, "/v1/geo/provinces", { headers: clientHeaders() }),
		"a first answer from geo",
	);
	return stack;
}

function report(rows, baseline) {
	const header = ["route", "requests", "failed", "req/s", "p50 ms", "p99 ms", "vs /health"];
	const lines = rows.map(({ label, result }) => [
		label,
		String(result.requests),
		String(result.failed),
		result.rps.toFixed(0),
		ms(result.p50),
		ms(result.p99),
		`${ratio(result.rps / baseline.rps)}×`,
	]);
	table(header, lines);
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
		const repeat = (n, what) => Array.from({ length: n }, () => what);
		await measure(base, repeat(200, "/health"), { headers: clientHeaders });
		await measure(base, CACHED_QUERIES.map(cityPath), { headers: clientHeaders });

		const health = await measure(base, repeat(REQUESTS, "/health"), { headers: clientHeaders });
		const hits = await measure(base, cached, { headers: clientHeaders });
		const misses = await measure(base, uncached, { headers: clientHeaders });
		console.log(`\nGeo city search through the gateway at ${base}, ${CONCURRENCY} in flight\n`);
		report(
			[
				{ label: "GET /health", result: health },
				{ label: "GET /v1/geo/cities (Redis cache hit)", result: hits },
				{ label: "GET /v1/geo/cities (Redis miss, in-memory search)", result: misses },
			],
			health,
		);
	} finally {
		if (started) await started.stop();
	}
}

run(main);
