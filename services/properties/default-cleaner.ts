/** The default cleaner goes back to the owner when its member can no longer clean (§12.4/5). */
import type { RequestContext } from "../../shared/context";
import { buildEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import type { PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";

export async function resetDefaultCleaner(
	this: PropertiesService,
	ctx: RequestContext<unknown>,
	property: PropertyDoc,
	formerCleanerId: string,
): Promise<void> {
	const event = buildEvent(ctx, "property.updated", {
		accountId: property.account_id,
		propertyId: property._id,
		data: { changed_fields: ["default_cleaner_id"] },
	});
	// Guarded by the former cleaner: a concurrent change of default cleaner wins.
	const result = await this.models.Property.updateOne(
		{ _id: property._id, default_cleaner_id: formerCleanerId },
		{ $set: { default_cleaner_id: null, updated_at: new Date() }, ...queueEvents(event) },
	);
	if (result.modifiedCount === 0) return;
	await this.flushOutbox("Property", property._id);
	this.logger.info(`Property ${property._id}: default cleaner reverted to the owner`);
}
