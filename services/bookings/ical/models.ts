/**
 * Collections of the iCal import (§11.11). Everything concurrency decides is a unique `_id`
 * insert, never a conditional update: FerretDB applies a filter and its write in two steps.
 */
import { Schema, type Connection } from "mongoose";

const nullableString = { type: String, default: null };
const nullableDate = { type: Date, default: null };

/** One imported feed; `_id` is `<property id>:<source>`. */
const feedSchema = new Schema(
	{
		_id: { type: String, required: true },
		property_id: { type: String, required: true },
		source: { type: String, enum: ["airbnb", "booking"], required: true },
		/** Holds the host's secret token: never logged, never put in an event. */
		url: { type: String, required: true },
		status: { type: String, enum: ["pending", "ok", "error"], required: true },
		last_sync_at: nullableDate,
		last_success_at: nullableDate,
		last_error: nullableString,
		consecutive_failures: { type: Number, default: 0 },
		events_count: { type: Number, default: null },
		/** Validators of the last good answer, for a conditional GET. */
		etag: nullableString,
		last_modified: nullableString,
		/** Since when a feed that used to list stays has come back empty (§11.11: 24 h). */
		empty_since: nullableDate,
		/** No request to the host before this (its Retry-After, or a pause after a 429). */
		retry_not_before: nullableDate,
		created_at: { type: Date, required: true },
		updated_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "ical_feeds" },
);
feedSchema.index({ property_id: 1 });

/**
 * The booking a feed event became; `_id` is `<property id>:<source>:<UID>`, so a UID can only
 * ever create one booking, whichever replica sees it first. `missing_count` counts the
 * consecutive successful fetches the UID was absent from. A link outlives the cancellation
 * its absence caused, so that the UID coming back restores the same booking.
 */
const linkSchema = new Schema(
	{
		_id: { type: String, required: true },
		feed_id: { type: String, required: true },
		booking_id: { type: String, required: true },
		missing_count: { type: Number, default: 0 },
		/** When the UID's absence cancelled the booking; null while the feed lists it. */
		removed_at: nullableDate,
		created_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "ical_links" },
);
linkSchema.index({ feed_id: 1 });

/**
 * Who may sync a feed. `_id` is either `<feed id>:slot:<n>` (the n-th scheduled interval,
 * taken once and kept, so one replica per interval) or `<feed id>:running` (held while a sync
 * runs, deleted after, so two syncs of one feed never interleave).
 */
const leaseSchema = new Schema(
	{
		_id: { type: String, required: true },
		feed_id: { type: String, required: true },
		holder: { type: String, required: true },
		acquired_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "ical_leases" },
);
leaseSchema.index({ acquired_at: 1 });

export function defineIcalModels(connection: Connection) {
	return {
		IcalFeed: connection.model("IcalFeed", feedSchema),
		IcalLink: connection.model("IcalLink", linkSchema),
		IcalLease: connection.model("IcalLease", leaseSchema),
	};
}

export interface IcalFeedDoc {
	_id: string;
	property_id: string;
	source: "airbnb" | "booking";
	url: string;
	status: "pending" | "ok" | "error";
	last_sync_at: Date | null;
	last_success_at: Date | null;
	last_error: string | null;
	retry_not_before?: Date | null;
	consecutive_failures: number;
	events_count: number | null;
	etag: string | null;
	last_modified: string | null;
	empty_since: Date | null;
	created_at: Date;
	updated_at: Date;
}

export interface IcalLinkDoc {
	_id: string;
	feed_id: string;
	booking_id: string;
	missing_count: number;
	removed_at?: Date | null;
	created_at: Date;
}
