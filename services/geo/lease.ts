/**
 * Loading the dataset once when several replicas start together: the first to take the
 * lease loads, the others wait until the version appears. The lease is one document whose
 * `expires_at` the holder pushes forward while it works; FerretDB has no TTL index, so a
 * crashed holder's lease is taken over once that time has passed.
 */
import type { Dataset } from "./dataset";
import { loadDataset, loadedVersion, type LoadReport, type Progress } from "./loader";
import type { GeoModels } from "./models";

const LEASE_ID = "load";

export interface EnsureOptions {
	/** Identifies this loader in the lease and in the dataset record. */
	holder: string;
	/** Load even when the version is already recorded (the manual command's --force). */
	force?: boolean;
	/** How long a lease lasts without renewal. */
	leaseMs?: number;
	/** How often a waiting replica looks again. */
	pollMs?: number;
	/** Give up (and fail the start) after waiting this long. */
	waitMs?: number;
	onProgress?: (progress: Progress) => void;
	/** Called once when another loader holds the lease and this one starts waiting. */
	onWait?: (holder: string) => void;
}

export interface EnsureResult {
	/** True when this call wrote the dataset; false when it was already there. */
	loaded: boolean;
	version: string;
	report: LoadReport | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lease if nobody holds it or it has expired. The conditional upsert is atomic: when
 * the lease is held, the filter does not match and the insert collides on `_id` (11000).
 */
export async function acquireLease(
	models: GeoModels,
	holder: string,
	leaseMs: number,
): Promise<boolean> {
	const now = new Date();
	try {
		await models.GeoLoadLease.updateOne(
			{ _id: LEASE_ID, expires_at: { $lt: now } },
			{ $set: { holder, expires_at: new Date(now.getTime() + leaseMs) } },
			{ upsert: true },
		);
		return true;
	} catch (err) {
		if ((err as { code?: number }).code === 11000) return false;
		throw err;
	}
}

/** Pushes the expiry forward; false when the lease was lost (expired and taken over). */
export async function renewLease(models: GeoModels, holder: string, leaseMs: number) {
	const result = await models.GeoLoadLease.updateOne(
		{ _id: LEASE_ID, holder },
		{ $set: { expires_at: new Date(Date.now() + leaseMs) } },
	);
	return result.matchedCount === 1;
}

export async function releaseLease(models: GeoModels, holder: string): Promise<void> {
	await models.GeoLoadLease.deleteOne({ _id: LEASE_ID, holder });
}

export async function leaseHolder(models: GeoModels): Promise<string | null> {
	const lease = await models.GeoLoadLease.findById(LEASE_ID).lean<{ holder: string }>();
	return lease?.holder ?? null;
}

/** Loads `dataset` under the lease, renewing it meanwhile. */
async function loadUnderLease(
	models: GeoModels,
	dataset: Dataset,
	options: EnsureOptions & { leaseMs: number },
): Promise<LoadReport> {
	const renewal = setInterval(() => {
		// A lost lease only means another loader writes the same rows: the load goes on.
		renewLease(models, options.holder, options.leaseMs).catch(() => undefined);
	}, options.leaseMs / 3);
	renewal.unref();
	try {
		return await loadDataset(models, dataset, options.holder, options.onProgress);
	} finally {
		clearInterval(renewal);
		await releaseLease(models, options.holder);
	}
}

/** Makes sure the collections hold `dataset`, loading it here or waiting for whoever does. */
export async function ensureLoaded(
	models: GeoModels,
	dataset: Dataset,
	options: EnsureOptions,
): Promise<EnsureResult> {
	const leaseMs = options.leaseMs ?? 60_000;
	const deadline = Date.now() + (options.waitMs ?? 10 * 60_000);
	let waitingFor: string | null = null;
	for (;;) {
		const upToDate = async () =>
			!options.force && (await loadedVersion(models)) === dataset.version;
		if (await upToDate()) return { loaded: false, version: dataset.version, report: null };

		if (await acquireLease(models, options.holder, leaseMs)) {
			// Whoever held the lease before may have just finished this very version.
			if (await upToDate()) {
				await releaseLease(models, options.holder);
				return { loaded: false, version: dataset.version, report: null };
			}
			const report = await loadUnderLease(models, dataset, { ...options, leaseMs });
			return { loaded: true, version: dataset.version, report };
		}

		const holder = await leaseHolder(models);
		if (holder && holder !== waitingFor) {
			waitingFor = holder;
			options.onWait?.(holder);
		}
		if (Date.now() > deadline) {
			throw new Error(`Gave up waiting for ${holder ?? "another loader"} to load geo data`);
		}
		await sleep(options.pollMs ?? 1000);
	}
}
