/**
 * The properties service's collections: properties, their crew members and invitations.
 *
 * The owner is not a member row: it is the property's `owner_user_id` (the user whose account
 * owns it), so the owner can never be removed or demoted by a crew operation.
 */
import { Schema, type Connection, type InferSchemaType } from "mongoose";
import { indexOutbox, outboxPath } from "../../shared/events/outbox";

const nullableString = { type: String, default: null };

const propertySchema = new Schema(
	{
		_id: { type: String, required: true },
		account_id: { type: String, required: true },
		owner_user_id: { type: String, required: true },
		name: { type: String, required: true },
		address: { type: String, required: true },
		city: { type: String, required: true },
		zip_code: { type: String, required: true },
		/** Alpha-2; `country_id`, `country_name` and `province_code` are copied from geo. */
		country_code: nullableString,
		country_id: nullableString,
		country_name: nullableString,
		province_id: nullableString,
		/** INE code of the province (2 digits), for the zip rule on updates without geo. */
		province_code: nullableString,
		city_id: nullableString,
		timezone: { type: String, required: true },
		checkin_time: { type: String, required: true },
		checkout_time: { type: String, required: true },
		airbnb_ical_url: nullableString,
		booking_ical_url: nullableString,
		/** Null means the owner. */
		default_cleaner_id: nullableString,
		ses_establishment_code: nullableString,
		ses_establishment_type: nullableString,
		has_internet: { type: Boolean, default: null },
		rooms_count: { type: Number, default: null },
		access_code_buffer_before_minutes: { type: Number, required: true, default: 0 },
		access_code_buffer_after_minutes: { type: Number, required: true, default: 0 },
		/** Random key of the current cover's files, and the widths stored under it. */
		cover_key: nullableString,
		cover_widths: { type: [Number], default: [] },
		/**
		 * iCal export feed (§11.10): the SHA-256 of the token, for look-ups by token, and the
		 * token sealed with the secrets key, because owners see the feed URL on every read.
		 */
		ical_export_hash: nullableString,
		ical_export_sealed: nullableString,
		ical_export_created_at: { type: Date, default: null },
		created_at: { type: Date, required: true },
		updated_at: { type: Date, required: true },
		/** Deleted properties stay as tombstones so their outbox can still be published. */
		deleted_at: { type: Date, default: null },
		outbox: outboxPath,
	},
	{ versionKey: false, collection: "properties" },
);
indexOutbox(propertySchema);
propertySchema.index({ owner_user_id: 1, deleted_at: 1 });
propertySchema.index({ name: 1, _id: 1 });
propertySchema.index({ ical_export_hash: 1 });

const memberSchema = new Schema(
	{
		_id: { type: String, required: true },
		property_id: { type: String, required: true },
		user_id: { type: String, required: true },
		access_level: { type: String, enum: ["manager", "staff", "contractor"], required: true },
		services: { type: [String], default: [] },
		invitation_id: nullableString,
		joined_at: { type: Date, required: true },
		/**
		 * Set when the member is removed, together with the `member.removed` event; the row is
		 * deleted once that event is published (see crew-removal.ts).
		 */
		removed_at: { type: Date, default: null },
		outbox: outboxPath,
	},
	{ versionKey: false, collection: "members" },
);
indexOutbox(memberSchema);
memberSchema.index({ property_id: 1, user_id: 1 }, { unique: true });
memberSchema.index({ user_id: 1 });

const invitationSchema = new Schema(
	{
		_id: { type: String, required: true },
		property_id: { type: String, required: true },
		account_id: { type: String, required: true },
		/** Upper-case Crockford base32 (§1.3); matched case-insensitively. */
		token: { type: String, required: true },
		access_level: { type: String, enum: ["manager", "staff", "contractor"], required: true },
		services: { type: [String], default: [] },
		/** Lower-cased; only a caller with this verified email may accept. */
		email: nullableString,
		locale: { type: String, enum: ["en", "es"], required: true },
		max_uses: { type: Number, required: true },
		created_by: { type: String, required: true },
		created_at: { type: Date, required: true },
		expires_at: { type: Date, required: true },
		accepted_at: { type: Date, default: null },
		revoked_at: { type: Date, default: null },
		outbox: outboxPath,
	},
	{ versionKey: false, collection: "invitations" },
);
indexOutbox(invitationSchema);
invitationSchema.index({ token: 1 }, { unique: true });
invitationSchema.index({ property_id: 1, created_at: -1 });

/**
 * One use of an invitation: `_id` is `<invitation id>:<slot>` with slot 1..max_uses, so the
 * unique `_id` caps the uses. A conditional `$inc` would not: FerretDB evaluates the filter
 * and applies the update in separate steps, and concurrent accepts overshoot.
 */
const invitationUseSchema = new Schema(
	{
		_id: { type: String, required: true },
		invitation_id: { type: String, required: true },
		user_id: { type: String, required: true },
		claimed_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "invitation_uses" },
);
invitationUseSchema.index({ invitation_id: 1 });

export type PropertyDoc = InferSchemaType<typeof propertySchema> & { _id: string };
export type MemberDoc = InferSchemaType<typeof memberSchema> & { _id: string };
export type InvitationDoc = InferSchemaType<typeof invitationSchema> & { _id: string };

export function definePropertyModels(connection: Connection) {
	return {
		Property: connection.model("Property", propertySchema),
		Member: connection.model("Member", memberSchema),
		Invitation: connection.model("Invitation", invitationSchema),
		InvitationUse: connection.model("InvitationUse", invitationUseSchema),
	};
}

export type PropertyModels = ReturnType<typeof definePropertyModels>;
