/**
 * Creating and updating properties: `POST /v1/properties` (§11.2), `PUT` (§11.4) and
 * `PATCH` (§11.5) on `/v1/properties/{id}`.
 */
import { created, registeredCaller, type RequestContext } from "../../shared/context";
import { notFound, validationFailed } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { outboxEntries, queueEvents } from "../../shared/events/outbox";
import { newId } from "../../shared/ids";
import { propertyAccessOf, type PropertyAccess } from "../../shared/permissions";
import { checkDefaultCleaner } from "./membership";
import type { PropertyDoc } from "./models";
import {
	changedFields,
	fullFields,
	patchedFields,
	storedFields,
	type PropertyFields,
} from "./property-input";
import type { PropertyBody } from "./property-params";
import type { PropertiesService } from "./service-types";
import { loadLiveProperty } from "./loaders";
import { propertyView } from "./views";

type BodyContext = RequestContext<PropertyBody & { id: string }>;

export async function createProperty(this: PropertiesService, ctx: BodyContext) {
	const caller = registeredCaller(ctx);
	const fields = await fullFields(ctx, ctx.params);
	// At creation the owner is the only member, so only the owner can be the default cleaner.
	const cleaner = await checkDefaultCleaner.call(
		this,
		null,
		caller.id,
		fields.default_cleaner_id,
	);
	if (cleaner.error) throw validationFailed([cleaner.error]);

	const id = newId();
	const now = new Date();
	const event = buildEvent(ctx, "property.created", {
		accountId: caller.accountId,
		propertyId: id,
		data: { property_id: id, name: fields.name },
	});
	await this.models.Property.create({
		...fields,
		default_cleaner_id: null,
		_id: id,
		account_id: caller.accountId,
		owner_user_id: caller.id,
		created_at: now,
		updated_at: now,
		outbox: outboxEntries(event),
	});
	await this.flushOutbox("Property", id);
	// The bookings service fetches any iCal URL given when it sees property.created (§11.11).
	this.logger.info(`Property ${id} created in account ${caller.accountId}`);

	const property = await this.models.Property.findById(id).lean<PropertyDoc>();
	created(ctx, `/v1/properties/${id}`);
	return propertyView(property as PropertyDoc, "owner");
}

/** Saves new field values, with a `property.updated` event naming what changed. */
async function saveChanges(
	this: PropertiesService,
	ctx: BodyContext,
	access: PropertyAccess,
	property: PropertyDoc,
	fields: PropertyFields,
) {
	const cleaner = await checkDefaultCleaner.call(
		this,
		property,
		property.owner_user_id,
		fields.default_cleaner_id,
	);
	if (cleaner.error) throw validationFailed([cleaner.error]);
	fields.default_cleaner_id = cleaner.value;

	const changed = changedFields(storedFields(property), fields);
	if (changed.length === 0) return propertyView(property, access.role);

	const event = buildEvent(ctx, "property.updated", {
		accountId: property.account_id,
		propertyId: property._id,
		data: { changed_fields: changed },
	});
	const { Property } = this.models;
	const result = await Property.updateOne(
		{ _id: property._id, deleted_at: null },
		{ $set: { ...fields, updated_at: new Date() }, ...queueEvents(event) },
	);
	if (result.matchedCount === 0) throw notFound("property");
	await this.flushOutbox("Property", property._id);
	// Pending cleaning tasks follow schedule changes in the tasks service (property.updated).
	// TODO: access-code windows follow them too once the locks service exists.
	this.logger.info(`Property ${property._id} updated (${changed.join(", ")})`);

	const updated = await Property.findById(property._id).lean<PropertyDoc>();
	return propertyView(updated as PropertyDoc, access.role);
}

/** PUT: a full replacement; omitted optional fields go back to their default or null. */
export async function replaceProperty(this: PropertiesService, ctx: BodyContext) {
	const access = propertyAccessOf(ctx);
	const property = await loadLiveProperty.call(this, access.propertyId);
	const fields = await fullFields(ctx, ctx.params);
	const saved = await saveChanges.call(this, ctx, access, property, fields);
	if (fields.airbnb_ical_url || fields.booking_ical_url) requestResync.call(this, ctx, saved.id);
	return saved;
}

/**
 * A PUT re-syncs the property's iCal feeds at once (§11.4). Not awaited: the fetches run in
 * the bookings service and the answer does not wait for them. If bookings cannot be asked,
 * the feeds keep their schedule; nothing is lost but the immediacy.
 */
function requestResync(this: PropertiesService, ctx: BodyContext, propertyId: string) {
	ctx.call("bookings.resyncFeeds", { propertyId }, { timeout: 10_000, retries: 0 }).catch(
		(err: Error) => {
			this.logger.warn(
				`iCal re-sync after PUT of property ${propertyId} not started (${err.message}); ` +
					"its feeds are fetched on schedule",
			);
		},
	);
}

/** PATCH: JSON Merge Patch of the patchable fields. */
export async function patchProperty(this: PropertiesService, ctx: BodyContext) {
	const access = propertyAccessOf(ctx);
	const property = await loadLiveProperty.call(this, access.propertyId);
	const fields = patchedFields(property, ctx.params);
	return saveChanges.call(this, ctx, access, property, fields);
}
