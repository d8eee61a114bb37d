/**
 * Cover images (§11.7–§11.9): upload through the gateway's multipart support, processing by
 * the shared cover pipeline, storage in GridFS (covers/cover-store.ts), public serving.
 */
import type { RequestContext } from "../../shared/context";
import { buildEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import { newPublicCode } from "../../shared/ids";
import { processCover } from "../../shared/images/cover-pipeline";
import { propertyAccessOf } from "../../shared/permissions";
import { readUpload, serveCover } from "./covers/http";
import type { PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";
import { loadLiveProperty } from "./loaders";
import { propertyView } from "./views";

/** Concurrent uploads to one property: each retries on the newest state a few times. */
const MAX_ATTEMPTS = 3;

/**
 * Points the property at a new cover (or none), with a `property.updated` event, provided the
 * cover is still the one read. Returns the replaced key, or undefined when it changed meanwhile.
 */
async function swapCover(
	this: PropertiesService,
	ctx: RequestContext<unknown>,
	property: PropertyDoc,
	next: { key: string; widths: number[] } | null,
): Promise<string | null | undefined> {
	const event = buildEvent(ctx, "property.updated", {
		accountId: property.account_id,
		propertyId: property._id,
		data: { changed_fields: ["cover_image"] },
	});
	const result = await this.models.Property.updateOne(
		{ _id: property._id, deleted_at: null, cover_key: property.cover_key ?? null },
		{
			$set: {
				cover_key: next?.key ?? null,
				cover_widths: next?.widths ?? [],
				updated_at: new Date(),
			},
			...queueEvents(event),
		},
	);
	if (result.modifiedCount === 0) return undefined;
	await this.flushOutbox("Property", property._id);
	return property.cover_key ?? null;
}

export async function uploadCover(this: PropertiesService, ctx: RequestContext<unknown>) {
	const access = propertyAccessOf(ctx);
	const variants = await processCover(await readUpload(ctx));
	const key = newPublicCode();
	await this.coverStore.save(key, variants);
	const widths = variants.map((variant) => variant.width);

	for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		let property: PropertyDoc;
		try {
			property = await loadLiveProperty.call(this, access.propertyId);
		} catch (err) {
			await this.removeCoverFiles(key);
			throw err;
		}
		const replaced = await swapCover.call(this, ctx, property, { key, widths });
		if (replaced === undefined) continue;
		if (replaced) await this.removeCoverFiles(replaced);
		this.logger.info(`Property ${property._id}: new cover (${widths.join(", ")} px)`);
		const updated = await loadLiveProperty.call(this, access.propertyId);
		return propertyView(updated, access.role);
	}
	await this.removeCoverFiles(key);
	throw new Error(`Cover of property ${access.propertyId} kept changing; upload abandoned`);
}

export async function removeCover(this: PropertiesService, ctx: RequestContext<{ id: string }>) {
	const access = propertyAccessOf(ctx);
	ctx.meta.$statusCode = 204;
	for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		const property = await loadLiveProperty.call(this, access.propertyId);
		if (!property.cover_key) return null; // removing a missing cover is a no-op (§11.8)
		const replaced = await swapCover.call(this, ctx, property, null);
		if (replaced === undefined) continue;
		if (replaced) await this.removeCoverFiles(replaced);
		this.logger.info(`Property ${property._id}: cover removed`);
		return null;
	}
	throw new Error(`Cover of property ${access.propertyId} kept changing; removal abandoned`);
}

export function coverFile(
	this: PropertiesService,
	ctx: RequestContext<{ key: string; width: string }>,
) {
	return serveCover(ctx, this.coverStore, ctx.params.key, ctx.params.width);
}
