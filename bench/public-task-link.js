#!/usr/bin/env node
"use strict";
/**
 * GET /v1/tasks/public/{token} (§14.9) with the task's token, with a well-formed token no task
 * has, and with a malformed one, in one run: a wrong token must not answer faster than a
 * right one, or its timing would tell a guesser which tokens exist.
 *
 *   npm run build && node bench/public-task-link.js
 *
 * It starts the gateway, accounts, geo, properties and tasks in this process from dist/
 * (harness.js), registers an owner, creates a property and a task through the gateway, then
 * measures the three rows twice: with the response floor the service runs with
 * (PUBLIC_LINK_MIN_RESPONSE_MS, default 200), and with the floor at 0, which shows the
 * difference the floor exists to hide.
 *
 * Public links are limited to 60 requests a minute per client address: the gateway trusts
 * this process (TRUSTED_PROXIES=127.0.0.1) and every request names an address of its own.
 *
 * Env: BENCH_REQUESTS (per row, default 300), BENCH_CONCURRENCY (default 4 in flight).
 */
process.env.TRUSTED_PROXIES = process.env.TRUSTED_PROXIES || "127.0.0.1";

const harness = require("./harness");

const { clientHeaders, createProperty, fromDist, madrid, measure, ms, ratio } = harness;
const { registerOwner, request, run, startStack, table } = harness;

const REQUESTS = Number(process.env.BENCH_REQUESTS || 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 4);
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const { config, resetConfig } = fromDist("shared/config");

/** A well-formed token that names no task: 26 random Crockford characters. */
const strayToken = () =>
	Array.from({ length: 26 }, () => CROCKFORD[Math.floor(Math.random() * 32)]).join("");

/** A task a week from now, through the gateway; answers its public token. */
async function createTask(url) {
	const { auth } = await registerOwner(url, "link-owner");
	const propertyId = await createProperty(url, auth, await madrid(url), 0);
	const from = new Date(Date.now() + 7 * 86_400_000);
	const { body } = await request(url, "/v1/tasks", {
		method: "POST",
		headers: auth,
		expect: 201,
		body: {
			property_id: propertyId,
			task_type: "cleaning",
			from: from.toISOString(),
			to: new Date(from.getTime() + 3 * 3_600_000).toISOString(),
			notes: "Change all linen",
		},
	});
	if (!body.public_token) throw new Error("The owner's view of the task has no public_token");
	return body.public_token;
}

/** The three rows at the floor now in force. */
async function measureRows(url, token) {
	const link = (t) => `/v1/tasks/public/${encodeURIComponent(t)}`;
	const rows = [
		{ label: "the task's token", paths: () => link(token), expect: 200 },
		{ label: "well-formed, no such task", paths: () => link(strayToken()), expect: 404 },
		{ label: "malformed", paths: () => link("not-a-token"), expect: 404 },
	];
	const results = [];
	for (const row of rows) {
		const paths = Array.from({ length: REQUESTS }, row.paths);
		const options = { headers: clientHeaders, concurrency: CONCURRENCY, expect: row.expect };
		await measure(url, paths.slice(0, 20), options); // warm-up
		const result = await measure(url, paths, options);
		if (result.firstError) console.error(`… ${row.label}: ${result.firstError}`);
		results.push({ label: row.label, result });
	}
	return results;
}

async function main() {
	const stack = await startStack("publiclink", [
		"accounts/accounts.service",
		"geo/geo.service",
		"properties/properties.service",
		"tasks/tasks.service",
	]);
	try {
		const token = await createTask(stack.url);
		const floor = config().publicLinkMinResponseMs;
		const guarded = await measureRows(stack.url, token);
		process.env.PUBLIC_LINK_MIN_RESPONSE_MS = "0";
		resetConfig();
		const bare = await measureRows(stack.url, token);

		console.log(
			`\nGET /v1/tasks/public/{token} through the gateway, ${REQUESTS} requests per row, ` +
				`${CONCURRENCY} in flight\n`,
		);
		const lines = [
			...guarded.map((row) => ({ ...row, floor })),
			...bare.map((row) => ({ ...row, floor: 0 })),
		].map(({ label, result, floor: rowFloor }, i, all) => {
			const right = all[i - (i % 3)].result;
			return [
				label,
				`${rowFloor} ms`,
				String(result.requests),
				String(result.failed),
				ms(result.p50),
				ms(result.p99),
				result.p50 === null || right.p50 === null
					? "–"
					: `${ratio(result.p50 / right.p50)}×`,
			];
		});
		table(["token", "floor", "requests", "failed", "p50 ms", "p99 ms", "p50 vs right"], lines);
	} finally {
		await stack.stop();
	}
}

run(main);
