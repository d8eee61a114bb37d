/** What every domain service (not the gateway) is built from. */
import type { Connection } from "mongoose";
import { DatabaseMixin, type Models } from "./database.mixin";
import type { MixinSchema } from "./define-mixin";
import { EventsMixin } from "./events.mixin";
import { HealthMixin } from "./health.mixin";

export function domainServiceMixins<M extends Models>(
	defineModels: (connection: Connection) => M,
): MixinSchema[] {
	return [DatabaseMixin(defineModels), EventsMixin, HealthMixin];
}
