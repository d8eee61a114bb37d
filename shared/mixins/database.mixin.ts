/**
 * Gives a service its own MongoDB database through one mongoose connection.
 *
 * Indexes are created explicitly at start and any failure stops the service: mongoose's
 * `autoIndex` would swallow an index the server refuses (FerretDB lacks several kinds).
 */
import mongoose, { type Connection, type Model } from "mongoose";
import type { Service } from "moleculer";
import { config } from "../config";
import { defineProcessedEvents } from "../events/processed-events";
import { defineMixin, type MixinSchema } from "./define-mixin";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Models = Record<string, Model<any>>;

export interface DatabaseService<M extends Models = Models> extends Service {
	db: Connection;
	models: M & ReturnType<typeof defineProcessedEvents>;
	databaseName: string;
	isDatabaseReady(): Promise<boolean>;
}

/** Database names allow `[A-Za-z0-9_-]` on FerretDB; the namespace keeps test runs apart. */
export function databaseName(namespace: string, service: string): string {
	return `${namespace}_${service}`.replace(/[^A-Za-z0-9_-]/g, "_");
}

export function DatabaseMixin<M extends Models>(
	defineModels: (connection: Connection) => M,
): MixinSchema {
	return defineMixin<DatabaseService<M>>({
		methods: {
			async isDatabaseReady(this: DatabaseService): Promise<boolean> {
				if (this.db.readyState !== mongoose.ConnectionStates.connected) return false;
				try {
					await this.db.db?.admin().ping();
					return true;
				} catch {
					return false;
				}
			},
		},

		created(this: DatabaseService<M>) {
			this.databaseName = databaseName(this.broker.namespace || "kasify", this.name);
			this.db = mongoose.createConnection();
			this.models = { ...defineModels(this.db), ...defineProcessedEvents(this.db) };
		},

		async started(this: DatabaseService<M>) {
			await this.db.openUri(config().mongoUrl, {
				dbName: this.databaseName,
				autoIndex: false,
				serverSelectionTimeoutMS: 10_000,
			});
			for (const model of Object.values(this.models)) {
				await model.createCollection();
				await model.createIndexes();
			}
			this.logger.info(
				`Database '${this.databaseName}' ready ` +
					`(${Object.keys(this.models).length} collections)`,
			);
		},

		async stopped(this: DatabaseService<M>) {
			await this.db.close();
		},
	});
}
