/**
 * Which feeds exist follows the property's `airbnb_ical_url` and `booking_ical_url`: the
 * properties service owns them and announces changes with property.created/updated/deleted.
 */
import type { RequestContext } from "../../../shared/context";
import type { DomainEvent } from "../../../shared/events/envelope";
import type { BookingsService } from "../service-types";
import type { IcalFeedDoc } from "./models";
import type { FeedSource } from "./parse";
import { syncSoon } from "./schedule";

/** What `properties.icalFeedsOf` answers. */
interface FeedUrls {
	airbnb_ical_url: string | null;
	booking_ical_url: string | null;
}

const FIELDS: Record<FeedSource, keyof FeedUrls> = {
	airbnb: "airbnb_ical_url",
	booking: "booking_ical_url",
};

export const feedIdOf = (propertyId: string, source: FeedSource) => `${propertyId}:${source}`;

/** Handles property.created and property.updated; idempotent (it converges on the URLs). */
export async function onPropertyChanged(this: BookingsService, event: DomainEvent) {
	const data = event.data as { property_id?: string; changed_fields?: string[] };
	const propertyId = data.property_id ?? event.property_id;
	if (!propertyId) return;
	const fields = Object.values(FIELDS) as string[];
	if (data.changed_fields && !data.changed_fields.some((f) => fields.includes(f))) return;
	const urls = await this.broker.call<FeedUrls | null, { propertyId: string }>(
		"properties.icalFeedsOf",
		{ propertyId },
	);
	const touched = await setFeeds.call(this, propertyId, urls);
	// Not awaited: a first fetch can take seconds and must not hold the event's ack.
	for (const feedId of touched) {
		syncSoon.call(this, feedId).catch((err: unknown) => {
			this.logger.error(`First sync of iCal feed ${feedId} failed`, err);
		});
	}
}

/**
 * `bookings.resyncFeeds`, asked by properties after a PUT (§11.4): every configured feed of
 * the property is fetched at once, in the background. The feeds first follow the URLs, as on
 * property.updated; whichever of the two sees a new URL first syncs it, so a changed feed is
 * fetched once (twice only if both read the old URL at the same moment, which is harmless).
 */
export async function resyncFeeds(
	this: BookingsService,
	ctx: RequestContext<{ propertyId: string }>,
) {
	const propertyId = ctx.params.propertyId.toLowerCase();
	const urls = await ctx.call<FeedUrls | null, { propertyId: string }>("properties.icalFeedsOf", {
		propertyId,
	});
	await setFeeds.call(this, propertyId, urls);
	const sources = (Object.keys(FIELDS) as FeedSource[]).filter((s) => urls?.[FIELDS[s]]);
	for (const source of sources) {
		const feedId = feedIdOf(propertyId, source);
		syncSoon.call(this, feedId).catch((err: unknown) => {
			this.logger.error(`Re-sync of iCal feed ${feedId} after a PUT failed`, err);
		});
	}
	return { sources };
}

/** Creates, re-points or drops the property's feeds; answers the ids to sync now. */
export async function setFeeds(
	this: BookingsService,
	propertyId: string,
	urls: FeedUrls | null,
): Promise<string[]> {
	const { IcalFeed, IcalLink } = this.models;
	const touched: string[] = [];
	for (const [source, field] of Object.entries(FIELDS) as [FeedSource, keyof FeedUrls][]) {
		const id = feedIdOf(propertyId, source);
		const url = urls?.[field] ?? null;
		const feed = await IcalFeed.findById(id).lean<IcalFeedDoc>();
		if (!url) {
			// Bookings imported from a removed feed are kept, no longer synced (§11.4); their
			// links go, so that a new URL starts afresh.
			if (feed) await dropFeeds.call(this, [id]);
			continue;
		}
		if (feed?.url === url) continue;
		const now = new Date();
		await IcalFeed.updateOne(
			{ _id: id },
			{
				$set: {
					property_id: propertyId,
					source,
					url,
					status: "pending",
					last_sync_at: null,
					last_success_at: null,
					last_error: null,
					consecutive_failures: 0,
					events_count: null,
					etag: null,
					last_modified: null,
					empty_since: null,
					retry_not_before: null,
					updated_at: now,
				},
				$setOnInsert: { created_at: now },
			},
			{ upsert: true },
		);
		// A new URL keeps the links: the same channel listing re-shared keeps its UIDs.
		if (feed) await IcalLink.updateMany({ feed_id: id }, { $set: { missing_count: 0 } });
		touched.push(id);
	}
	return touched;
}

export async function dropFeeds(this: BookingsService, ids: string[]) {
	const { IcalFeed, IcalLink, IcalLease } = this.models;
	await IcalLink.deleteMany({ feed_id: { $in: ids } });
	await IcalLease.deleteMany({ feed_id: { $in: ids } });
	await IcalFeed.deleteMany({ _id: { $in: ids } });
}

/** Drops every feed of a deleted property (called from property-deleted.ts). */
export async function dropPropertyFeeds(this: BookingsService, propertyId: string) {
	const ids = Object.keys(FIELDS).map((s) => feedIdOf(propertyId, s as FeedSource));
	await dropFeeds.call(this, ids);
}

/** `bookings.feedStatus`: IcalFeedStatus (§17.4) of each configured feed, airbnb first. */
export async function feedStatus(
	this: BookingsService,
	ctx: RequestContext<{ propertyId: string }>,
) {
	const feeds = await this.models.IcalFeed.find({
		property_id: ctx.params.propertyId.toLowerCase(),
	}).lean<IcalFeedDoc[]>();
	const order: FeedSource[] = ["airbnb", "booking"];
	return feeds
		.sort((a, b) => order.indexOf(a.source) - order.indexOf(b.source))
		.map((feed) => ({
			source: feed.source,
			url: feed.url,
			status: feed.status,
			last_sync_at: feed.last_sync_at?.toISOString() ?? null,
			last_success_at: feed.last_success_at?.toISOString() ?? null,
			last_error: feed.last_error,
			consecutive_failures: feed.consecutive_failures,
			events_count: feed.events_count,
		}));
}
