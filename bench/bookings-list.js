#!/usr/bin/env node
"use strict";
/**
 * GET /v1/bookings (§5.4, the list across the caller's properties) for an owner of 200
 * properties, with 1,000 bookings in the database and then with 100,000, in one run: the
 * ratio says whether a page costs more as the data grows or only with the page.
 *
 *   npm run build && node bench/bookings-list.js
 *
 * It starts the gateway, accounts, geo, properties and bookings in this process from dist/
 * (harness.js), registers an owner with a real JWT and creates the properties through the
 * gateway. Bookings are written straight into the bookings database with the service's own
 * mongoose model (`insertMany` in batches, so defaults apply as on a real create), shaped as
 * a manual create stores them: search fields, check-in code, empty outbox. They hold no night
 * claims; the list never reads those.
 *
 * Each property's stays follow one another (3 nights, then a free one). The first
 * BENCH_SMALL / 200 stays of every property are inserted first and measured, then the rest.
 *
 * Rows per data size: the default page (page 0, size 20, by check-in), and a page filtered
 * to the first month of the stays (from/to), which matches about the same number of bookings
 * at both sizes.
 *
 * Env: BENCH_BOOKINGS (large size, default 100000), BENCH_SMALL (default 1000),
 * BENCH_REQUESTS (per row, default 300), BENCH_ROW_SECONDS (no new request of a row starts
 * after this, default 90), BENCH_CONCURRENCY (default 1 in flight: latency, not queueing),
 * BENCH_BATCH (documents per insertMany, default 2000).
 *
 * On FerretDB 1.x (SQLite backend) every one of these queries scans the whole collection, so
 * at 100,000 bookings a page takes minutes and only a few requests fit in a row's time: the
 * table says how many were sent and how many failed. REQUEST_TIMEOUT_MS defaults to 10
 * minutes in this process so that such a page is measured rather than cut off at the
 * gateway's 30 s; a request that still fails is counted, and the run goes on.
 */
process.env.REQUEST_TIMEOUT_MS = process.env.REQUEST_TIMEOUT_MS || "600000";

const harness = require("./harness");

const { createProperty, fromDist, inParallel, madrid, measure, ms } = harness;
const { registerOwner, request, run, startStack, table } = harness;

const PROPERTIES = 200;
const LARGE = Number(process.env.BENCH_BOOKINGS || 100_000);
const SMALL = Number(process.env.BENCH_SMALL || 1_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS || 300);
const BATCH = Number(process.env.BENCH_BATCH || 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 1);
const ROW_SECONDS = Number(process.env.BENCH_ROW_SECONDS || 90);
const FIRST_DAY = "2022-01-03";
const CHANNELS = ["direct", "airbnb", "booking"];

const { newId, newPublicCode } = fromDist("shared/ids");
const { searchFields } = fromDist("services/bookings/views");

function addDays(day, days) {
	const date = new Date(`${day}T00:00:00Z`);
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

/** The owner and their properties, created through the gateway. */
async function createOwner(url) {
	const { auth, accountId } = await registerOwner(url, "owner");
	const city = await madrid(url);
	const numbers = Array.from({ length: PROPERTIES }, (_, i) => i);
	const properties = await inParallel(numbers, 8, (n) => createProperty(url, auth, city, n));
	return { auth, accountId, properties };
}

/** The k-th stay of property number `p`: 3 nights from day 4k (staggered per property). */
function bookingDoc(owner, p, k, now) {
	const from = addDays(FIRST_DAY, 4 * k + (p % 3));
	const channel = CHANNELS[(p + k) % CHANNELS.length];
	const fields = {
		type: "reservation",
		from,
		to: addDays(from, 3),
		channel,
		channel_id: channel === "direct" ? null : `BENCH${p}X${k}`,
		status: "confirmed",
		adults_count: 2,
		children_count: k % 2,
		infants_count: 0,
		guest_first_name: `Guest${k}`,
		guest_last_name: `Family${p}`,
		guest_email: `guest${p}.${k}@example.es`,
		notes: k % 5 === 0 ? "Late arrival" : null,
	};
	return {
		...fields,
		_id: newId(),
		property_id: owner.properties[p],
		account_id: owner.accountId,
		source: "manual",
		has_conflict: false,
		checkin_code: newPublicCode(),
		...searchFields(fields),
		created_at: now,
		updated_at: now,
		outbox: [],
	};
}

/** Inserts stays number [fromK, toK) of every property; answers how long it took. */
async function seed(Booking, owner, fromK, toK) {
	const started = Date.now();
	const now = new Date();
	let batch = [];
	for (let k = fromK; k < toK; k++) {
		for (let p = 0; p < PROPERTIES; p++) {
			batch.push(bookingDoc(owner, p, k, now));
			if (batch.length === BATCH) {
				await Booking.insertMany(batch, { ordered: false });
				batch = [];
			}
		}
	}
	if (batch.length > 0) await Booking.insertMany(batch, { ordered: false });
	return (Date.now() - started) / 1000;
}

const ROWS = [
	{ label: "default page", path: "/v1/bookings" },
	{
		label: "from/to: first month",
		path: `/v1/bookings?from=${FIRST_DAY}&to=${addDays(FIRST_DAY, 30)}`,
	},
];

/** Progress on stderr, so that stdout holds only the results. */
const progress = (line) => process.stderr.write(`… ${line}\n`);

/** One find (first page) and one count of the whole list, straight on the database. */
async function databaseAlone(Booking, owner) {
	const filter = { property_id: { $in: owner.properties }, type: "reservation" };
	let started = Date.now();
	await Booking.find(filter).sort({ from: 1, _id: 1 }).limit(20).lean();
	const findMs = Date.now() - started;
	started = Date.now();
	await Booking.countDocuments(filter);
	return { findMs, countMs: Date.now() - started };
}

/** Checks what a row answers (and warms up), then measures it. */
async function measureRows(url, auth, size) {
	const results = [];
	for (const row of ROWS) {
		// The first request checks the answer and warms up connections and caches.
		let total = null;
		try {
			const { body } = await request(url, row.path, { headers: auth });
			if (body.bookings.length !== 20) throw new Error(`${row.path}: not a full page`);
			total = body.total;
		} catch (err) {
			progress(`${row.label} at ${size}: the first request failed: ${err.message}`);
		}
		const result = await measure(url, Array(REQUESTS).fill(row.path), {
			headers: auth,
			concurrency: CONCURRENCY,
			budgetMs: ROW_SECONDS * 1000,
		});
		if (result.firstError) progress(`${row.label} at ${size}: ${result.firstError}`);
		results.push({ ...row, size, total, result });
		progress(`${row.label} at ${size}: p50 ${ms(result.p50)} ms`);
	}
	return results;
}

/** "×9.1", or why there is no ratio. */
function growth(large, small) {
	if (large === null || small === null) return "no ratio (a size had no answer)";
	return `×${(large / small).toFixed(1)}`;
}

async function main() {
	if (LARGE <= SMALL || SMALL % PROPERTIES !== 0 || LARGE % PROPERTIES !== 0) {
		throw new Error("BENCH_SMALL < BENCH_BOOKINGS, both multiples of 200");
	}
	const stack = await startStack("bookings", [
		"accounts/accounts.service",
		"geo/geo.service",
		"properties/properties.service",
		"bookings/bookings.service",
	]);
	try {
		const started = Date.now();
		const owner = await createOwner(stack.url);
		progress(`${PROPERTIES} properties created in ${(Date.now() - started) / 1000} s`);
		const { Booking } = stack.brokers.get("bookings").getLocalService("bookings").models;

		const smallSeconds = await seed(Booking, owner, 0, SMALL / PROPERTIES);
		progress(`${SMALL} bookings inserted in ${smallSeconds} s`);
		const small = await measureRows(stack.url, owner.auth, SMALL);
		const smallDb = await databaseAlone(Booking, owner);
		progress(`measured at ${SMALL}`);
		const largeSeconds = await seed(Booking, owner, SMALL / PROPERTIES, LARGE / PROPERTIES);
		const stored = await Booking.estimatedDocumentCount();
		progress(`${stored} bookings stored (the last ${LARGE - SMALL} in ${largeSeconds} s)`);
		const large = await measureRows(stack.url, owner.auth, stored);
		const largeDb = await databaseAlone(Booking, owner);

		const rate = ((LARGE - SMALL) / largeSeconds).toFixed(0);
		console.log(
			`\nGET /v1/bookings through the gateway: ${PROPERTIES} properties, ` +
				`up to ${REQUESTS} requests or ${ROW_SECONDS} s per row, ${CONCURRENCY} in flight`,
		);
		console.log(
			`Seeding: ${SMALL} bookings in ${smallSeconds.toFixed(1)} s, then ` +
				`${LARGE - SMALL} more in ${largeSeconds.toFixed(1)} s (${rate}/s)\n`,
		);
		const header = ["query", "bookings", "matched", "requests", "failed", "p50 ms", "p99 ms"];
		table(
			header,
			[...small, ...large].map((r) => [
				r.label,
				String(r.size),
				String(r.total ?? "?"),
				String(r.result.requests),
				String(r.result.failed),
				ms(r.result.p50),
				ms(r.result.p99),
			]),
		);
		console.log("");
		for (const [size, db] of [
			[SMALL, smallDb],
			[stored, largeDb],
		]) {
			console.log(
				`Database alone at ${size}: first page ${db.findMs} ms, count ${db.countMs} ms`,
			);
		}
		for (const [i, row] of ROWS.entries()) {
			const p50 = growth(large[i].result.p50, small[i].result.p50);
			const p99 = growth(large[i].result.p99, small[i].result.p99);
			console.log(`${row.label}: ${stored} vs ${SMALL} bookings → p50 ${p50}, p99 ${p99}`);
		}
	} finally {
		await stack.stop();
	}
}

run(main);
