/**
 * Loads the shipped geo dataset by hand, showing progress:
 *
 *   npm run geo:load                # load unless the database already holds this version
 *   npm run geo:load -- --force     # compare every row again and rewrite what differs
 *
 * It does what the geo service does at start (same lease, so it never races a starting
 * replica), against the database of NAMESPACE at MONGO_URL, then empties the Redis cache of
 * geo results so that the next searches read the new data.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { ServiceBroker } from "moleculer";
import mongoose from "mongoose";
import { brokerOptions } from "../../shared/broker-options";
import { config } from "../../shared/config";
import { databaseName } from "../../shared/mixins/database.mixin";
import { readShippedDataset } from "./dataset";
import { ensureLoaded } from "./lease";
import { summarise, type Progress } from "./loader";
import { defineGeoModels } from "./models";

const say = (line: string) => process.stdout.write(`${line}\n`);

const showProgress = ({ collection, step, done, total }: Progress) =>
	say(`  ${collection.padEnd(9)} ${step.padEnd(6)} ${String(done).padStart(5)}/${total}`);

/** Empties the geo entries of the Moleculer result cache the services share. */
async function cleanResultCache(namespace: string): Promise<void> {
	const broker = new ServiceBroker({
		namespace,
		nodeID: `geo-load-${randomUUID().slice(0, 8)}`,
		logger: false,
		transporter: null,
		cacher: brokerOptions({ namespace }).cacher,
	});
	await broker.start();
	try {
		await broker.cacher?.clean("geo.**");
	} finally {
		await broker.stop();
	}
}

export async function main(args: string[]): Promise<void> {
	const cfg = config();
	const force = args.includes("--force");
	const dataset = readShippedDataset();
	const dbName = databaseName(cfg.namespace, "geo");
	say(
		`Geo dataset ${dataset.version} (INE ${dataset.ineReferenceDate ?? "?"}): ` +
			`${dataset.countries.length} countries, ${dataset.provinces.length} provinces, ` +
			`${dataset.cities.length} cities`,
	);
	say(`Database ${dbName}`);

	const connection = await mongoose
		.createConnection(cfg.mongoUrl, {
			dbName,
			autoIndex: false,
			serverSelectionTimeoutMS: 10_000,
		})
		.asPromise();
	try {
		const models = defineGeoModels(connection);
		for (const model of Object.values(models)) {
			await model.createCollection();
			await model.createIndexes();
		}
		say("Comparing with the database…");
		const startedAt = Date.now();
		const result = await ensureLoaded(models, dataset, {
			holder: `geo-load@${os.hostname()}/${process.pid}`,
			force,
			onProgress: showProgress,
			onWait: (holder) => say(`Waiting for ${holder}, which is loading it…`),
		});
		if (!result.report) {
			say("Already loaded; nothing to do (--force compares every row again).");
			return;
		}
		await cleanResultCache(cfg.namespace);
		say(`Loaded in ${Date.now() - startedAt} ms: ${summarise(result.report)}`);
	} finally {
		await connection.close();
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((err: unknown) => {
		process.stderr.write(`Geo load failed: ${err instanceof Error ? err.stack : err}\n`);
		process.exit(1);
	});
}
