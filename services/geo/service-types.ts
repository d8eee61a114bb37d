/** The `this` of the geo service's handlers. */
import type { Dataset } from "./dataset";
import type { DatabaseService } from "../../shared/mixins/database.mixin";
import type { GeoModels } from "./models";
import type { SnapshotStore } from "./snapshot";

export interface GeoService extends DatabaseService<GeoModels> {
	/** The rows searches read, kept at the version the database records. */
	snapshots: SnapshotStore;
	/** Runs the periodic check of the recorded dataset version. */
	datasetTimer?: NodeJS.Timeout;
	/** The dataset in `./data`, the one this replica loads. */
	shippedDataset(): Dataset;
	/** Loads the shipped dataset unless the database already holds it (at start). */
	ensureDataset(): Promise<void>;
	/** Brings the snapshot up to the recorded version in the background; never throws. */
	syncSnapshot(): void;
}
