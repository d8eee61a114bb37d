"use strict";
/**
 * What every benchmark shares: the services started in this process from dist/ (one broker
 * each, over the real NATS, MongoDB and Redis of NATS_URL, MONGO_URL and REDIS_URL, in a
 * namespace of its own that is dropped at the end), a keep-alive HTTP client, a load loop
 * that keeps a fixed number of requests in flight, and the result table.
 */
const http = require("node:http");
const path = require("node:path");
const fs = require("node:fs");
const { randomBytes } = require("node:crypto");
const { mintDevToken } = require("../scripts/dev-token");

const DIST = path.resolve(__dirname, "../dist");
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);

/** Requires a module of the build; `npm run bench` builds first. */
function fromDist(relative) {
	const file = path.join(DIST, relative);
	if (!fs.existsSync(`${file}.js`)) {
		throw new Error(`dist/ has no ${relative}: run \`npm run build\` first`);
	}
	return require(file);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * One request; resolves with the latency in ms and the parsed JSON body. `expect` is the
 * status that counts as success; anything else rejects.
 */
function request(base, pathAndQuery, { method = "GET", headers = {}, body, expect = 200 } = {}) {
	const url = new URL(pathAndQuery, base);
	const payload = body === undefined ? undefined : JSON.stringify(body);
	const allHeaders = payload ? { ...headers, "content-type": "application/json" } : headers;
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const req = http.request(url, { method, agent, headers: allHeaders }, (res) => {
			const chunks = [];
			res.on("data", (chunk) => chunks.push(chunk));
			res.on("end", () => {
				const ms = Number(process.hrtime.bigint() - started) / 1e6;
				const text = Buffer.concat(chunks).toString("utf8");
				if (res.statusCode !== expect) {
					reject(
						new Error(`${method} ${pathAndQuery} answered ${res.statusCode}: ${text}`),
					);
					return;
				}
				let json = null;
				try {
					json = text ? JSON.parse(text) : null;
				} catch {
					// not JSON: the benchmark only needs the latency
				}
				resolve({ ms, body: json });
			});
		});
		req.on("error", reject);
		req.end(payload);
	});
}

/**
 * Sends `paths` with `concurrency` requests in flight; `headers` is an object or a function
 * called per request, `expect` the status that counts as success (200). With `budgetMs`, no
 * request starts once that time has passed (the count actually sent is in the answer). A
 * request that fails (an unexpected status, a reset socket) is counted in `failed`, with the
 * first such error, and left out of the latencies: a slow system under a long benchmark
 * should yield a table, not a stack trace. Answers throughput and latency percentiles (null
 * when nothing succeeded).
 */
async function measure(base, paths, options = {}) {
	const { headers = {}, concurrency = CONCURRENCY, budgetMs = Infinity, expect = 200 } = options;
	const latencies = [];
	let sent = 0;
	let failed = 0;
	let firstError = null;
	let next = 0;
	const started = process.hrtime.bigint();
	const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
	const worker = async () => {
		while (next < paths.length && (sent === 0 || elapsedMs() < budgetMs)) {
			const pathAndQuery = paths[next++];
			const requestHeaders = typeof headers === "function" ? headers() : headers;
			sent += 1;
			try {
				const answer = await request(base, pathAndQuery, {
					headers: requestHeaders,
					expect,
				});
				latencies.push(answer.ms);
			} catch (err) {
				failed += 1;
				firstError ??= err.message;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
	const seconds = elapsedMs() / 1000;
	latencies.sort((a, b) => a - b);
	const at = (q) =>
		latencies.length === 0
			? null
			: latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
	return {
		requests: sent,
		failed,
		firstError,
		rps: latencies.length / seconds,
		p50: at(0.5),
		p99: at(0.99),
	};
}

/** Runs `task` on `items` with `limit` of them in flight; answers the results in order. */
async function inParallel(items, limit, task) {
	const results = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await task(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}

/** A latency for a table cell; "–" when no request succeeded. */
const ms = (value) => (value === null ? "–" : value.toFixed(1));

/** Two decimals, or two significant digits for ratios far below 1. */
const ratio = (value) => (value >= 0.1 ? value.toFixed(2) : value.toPrecision(2));

/** Prints rows of cells under `header`; the first column is left-aligned, the rest right. */
function table(header, lines) {
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const format = (cells) =>
		cells.map((c, i) => (i === 0 ? c.padEnd : c.padStart).call(c, widths[i])).join("  ");
	console.log(format(header));
	console.log(widths.map((w) => "-".repeat(w)).join("  "));
	lines.forEach((line) => console.log(format(line)));
}

/** Polls `check` until it answers true; fails after `timeoutMs`. */
async function until(check, what, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await check().catch(() => false))) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * Starts each service of `services` (paths under dist/services, e.g. "geo/geo.service") on a
 * broker of its own, then the gateway, and waits until the gateway routes every REST action
 * the registry knows (it rebuilds its aliases shortly after it sees a service).
 */
async function startStack(label, services) {
	const { ServiceBroker } = require("moleculer");
	const { brokerOptions } = fromDist("shared/broker-options");
	const namespace = `bench-${label}-${randomBytes(3).toString("hex")}`;
	const broker = (name) =>
		new ServiceBroker(
			brokerOptions({
				namespace,
				nodeID: `${name}-${namespace}`,
				logger: false,
				skipProcessEventRegistration: true,
			}),
		);

	const brokers = new Map();
	const names = [];
	for (const service of services) {
		const schema = fromDist(`services/${service}`);
		const node = broker(schema.name);
		node.createService(schema);
		await node.start();
		brokers.set(schema.name, node);
		names.push(schema.name);
	}
	const apiBroker = broker("api");
	const api = apiBroker.createService({
		name: "api",
		mixins: [fromDist("services/api/api.service")],
		settings: { port: Number(process.env.BENCH_PORT || 0), ip: "127.0.0.1" },
	});
	await apiBroker.start();
	await apiBroker.waitForServices(names);
	await until(() => Promise.resolve(routesReady(apiBroker, api)), "the gateway's routes");
	const url = `http://127.0.0.1:${api.server.address().port}`;

	const stop = async () => {
		await apiBroker.stop();
		for (const node of brokers.values()) {
			if (node.cacher) await node.cacher.clean();
			await node.stop();
		}
		await dropNamespace(namespace, names);
	};
	return { url, namespace, brokers, stop };
}

function routesReady(broker, gateway) {
	const routed = new Set((gateway.aliases ?? []).map((alias) => alias.action));
	return broker.registry
		.getActionList({ skipInternal: true, withEndpoints: false })
		.filter((item) => item.action?.rest && !item.name.startsWith("api."))
		.every((item) => routed.has(item.name));
}

/** Drops the run's databases and its JetStream streams. */
async function dropNamespace(namespace, serviceNames) {
	const mongoose = require("mongoose");
	const { connect } = require("nats");
	const { config } = fromDist("shared/config");
	const { databaseName } = fromDist("shared/mixins/database.mixin");
	const db = await mongoose.createConnection(config().mongoUrl).asPromise();
	try {
		for (const name of serviceNames)
			await db.useDb(databaseName(namespace, name)).dropDatabase();
	} finally {
		await db.close();
	}
	const nc = await connect({ servers: config().natsUrl });
	try {
		const jsm = await nc.jetstreamManager();
		const prefix = `${namespace}_`.replace(/\./g, "_");
		for await (const stream of jsm.streams.list()) {
			if (stream.config.name.startsWith(prefix)) await jsm.streams.delete(stream.config.name);
		}
	} finally {
		await nc.close();
	}
}

/** Registers a new user through the gateway; answers their auth header and account id. */
async function registerOwner(url, label) {
	const sub = `bench-${label}-${Date.now()}`;
	const token = mintDevToken({ sub, email: `${sub}@example.es`, name: sub, hours: 2 });
	const auth = { authorization: `Bearer ${token}` };
	const { body } = await request(url, "/v1/auth/register", {
		method: "POST",
		headers: auth,
		expect: 201,
	});
	return { auth, accountId: body.id };
}

/** Madrid, as the geo service knows it: what a property in the benchmarks is located in. */
async function madrid(url) {
	const { body } = await request(url, "/v1/geo/cities?query=28079");
	return body.cities.find((c) => c.ine_code === "28079") ?? body.cities[0];
}

/** Creates property number `n` in `city` through the gateway; answers its id. */
async function createProperty(url, auth, city, n) {
	const { body } = await request(url, "/v1/properties", {
		method: "POST",
		headers: auth,
		expect: 201,
		body: {
			name: `Bench flat ${n}`,
			address: `Calle Mayor ${n + 1}`,
			city: "Madrid",
			zip_code: "28013",
			province_id: city.province_id,
			city_id: city.id,
			airbnb_ical_url: null,
			booking_ical_url: null,
			rooms_count: 2,
		},
	});
	return body.id;
}

let clients = 0;
/**
 * A client address of its own per request (TEST-NET and benchmark ranges, cycling through
 * 65,536), for routes rate limited per IP. The gateway must trust the benchmark's forwarding
 * (TRUSTED_PROXIES=127.0.0.1, set by the benchmarks that start their own).
 */
function clientHeaders() {
	clients = (clients + 1) % 65536;
	return { "x-forwarded-for": `198.18.${clients >> 8}.${clients & 255}` };
}

/** Runs a benchmark's main, closing the HTTP agent whatever happens. */
function run(main) {
	main()
		.catch((err) => {
			console.error(err);
			process.exitCode = 1;
		})
		.finally(() => agent.destroy());
}

module.exports = {
	until,
	registerOwner,
	madrid,
	createProperty,
	clientHeaders,
	CONCURRENCY,
	fromDist,
	request,
	measure,
	inParallel,
	ms,
	ratio,
	table,
	startStack,
	run,
};
