/**
 * The `health` action every domain service answers, used by the gateway's `/ready` and by the
 * probe listener: the service is ready when it is connected to its database.
 */
import type { DatabaseService } from "./database.mixin";
import { defineMixin } from "./define-mixin";

export const HealthMixin = defineMixin<DatabaseService>({
	actions: {
		health: {
			// Reachable by other services, never routed by the gateway.
			visibility: "public",
			async handler(this: DatabaseService) {
				const database = (await this.isDatabaseReady()) ? "ok" : "down";
				return { status: database === "ok" ? "ok" : "unavailable", database };
			},
		},
	},
});
