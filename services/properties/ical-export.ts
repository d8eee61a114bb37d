/**
 * The iCal export feed of a property (§11.10): X7 creates or rotates its token, X8 revokes it,
 * and `properties.byExportToken` tells the bookings service (which renders the feed) whose
 * token it is.
 *
 * Owners and managers see the feed URL on every read of the property (`ical_export_url`), so
 * the token is kept sealed (AES-GCM, secrets key) next to its SHA-256. Look-ups go through the
 * hash only: the token presented is hashed, found by index, and compared in constant time.
 */
import { config } from "../../shared/config";
import { created, type RequestContext } from "../../shared/context";
import { notFound } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import { constantTimeEqual, newPublicCode, sha256Hex } from "../../shared/ids";
import { propertyAccessOf } from "../../shared/permissions";
import { keyFrom, open, seal } from "../../shared/secrets";
import { publicBaseUrl } from "./env";
import { loadLiveProperty } from "./loaders";
import type { PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";

const TOKEN_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const secretsKey = () => keyFrom(config().secretsKey);

const feedUrl = (token: string) => `${publicBaseUrl()}/v1/ical/${token}.ics`;

/** The feed URL of a property, or null when it has none (or its seal cannot be opened). */
export function icalExportUrl(property: PropertyDoc): string | null {
	if (!property.ical_export_sealed) return null;
	try {
		return feedUrl(open(property.ical_export_sealed, secretsKey()));
	} catch {
		// A rotated secrets key leaves old seals unreadable: the owner must rotate the feed.
		return null;
	}
}

/** Saves the new export state with its `property.updated` event (§19). */
async function saveExport(
	this: PropertiesService,
	ctx: RequestContext<{ id: string }>,
	property: PropertyDoc,
	state: Record<string, unknown>,
) {
	const event = buildEvent(ctx, "property.updated", {
		accountId: property.account_id,
		propertyId: property._id,
		data: { changed_fields: ["ical_export"] },
	});
	const result = await this.models.Property.updateOne(
		{ _id: property._id, deleted_at: null },
		{ $set: { ...state, updated_at: new Date() }, ...queueEvents(event) },
	);
	if (result.matchedCount === 0) throw notFound("property");
	await this.flushOutbox("Property", property._id);
}

/** X7: a new token replaces any previous one, which stops working at once. */
export async function rotateIcalExport(
	this: PropertiesService,
	ctx: RequestContext<{ id: string }>,
) {
	const access = propertyAccessOf(ctx);
	const property = await loadLiveProperty.call(this, access.propertyId);
	const token = newPublicCode();
	const now = new Date();
	await saveExport.call(this, ctx, property, {
		ical_export_hash: sha256Hex(token),
		ical_export_sealed: seal(token, secretsKey()),
		ical_export_created_at: now,
	});
	this.logger.info(`iCal export feed of property ${property._id} created or rotated`);
	created(ctx, `/v1/ical/${token}.ics`);
	return { url: feedUrl(token), created_at: now.toISOString() };
}

/** X8: revoking a property without a feed is a no-op that still answers 204. */
export async function revokeIcalExport(
	this: PropertiesService,
	ctx: RequestContext<{ id: string }>,
) {
	const access = propertyAccessOf(ctx);
	const property = await loadLiveProperty.call(this, access.propertyId);
	if (property.ical_export_hash) {
		await saveExport.call(this, ctx, property, {
			ical_export_hash: null,
			ical_export_sealed: null,
			ical_export_created_at: null,
		});
		this.logger.info(`iCal export feed of property ${property._id} revoked`);
	}
	ctx.meta.$statusCode = 204;
	return null;
}

/** The live property a feed token belongs to, or null for an unknown or revoked token. */
export async function propertyByExportToken(this: PropertiesService, rawToken: string) {
	const token = rawToken.toUpperCase();
	// Hash whatever arrives, so a malformed token costs the same as a well-formed one.
	const hash = sha256Hex(token);
	const property = await this.models.Property.findOne({
		ical_export_hash: hash,
		deleted_at: null,
	})
		.select("_id ical_export_hash ical_export_created_at timezone")
		.lean<PropertyDoc>();
	const stored = property?.ical_export_hash ?? "";
	const match = constantTimeEqual(stored, hash) && TOKEN_PATTERN.test(token);
	if (!property || !match) return null;
	return {
		property_id: property._id,
		timezone: property.timezone,
		created_at: property.ical_export_created_at?.toISOString() ?? null,
	};
}
