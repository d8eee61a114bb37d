/**
 * The bookings service's collections: the bookings themselves, the claims that keep two
 * active reservations of a property from sharing a night (see claims.ts), and what it knows
 * of their cleaning tasks (cleaning-task.ts).
 */
import { Schema, type Connection, type InferSchemaType } from "mongoose";
import { indexOutbox, outboxPath } from "../../shared/events/outbox";
import { defineIcalModels } from "./ical/models";

const nullableString = { type: String, default: null };
const nullableDate = { type: Date, default: null };

const bookingSchema = new Schema(
	{
		_id: { type: String, required: true },
		property_id: { type: String, required: true },
		account_id: { type: String, required: true },
		type: { type: String, enum: ["reservation", "block"], required: true },
		/** Property-local dates, `YYYY-MM-DD`: they sort and compare as strings. */
		from: { type: String, required: true },
		to: { type: String, required: true },
		channel: { type: String, required: true },
		channel_id: nullableString,
		source: { type: String, enum: ["manual", "ical"], required: true },
		status: { type: String, enum: ["pending", "confirmed", "cancelled"], required: true },
		/** Upper-case Crockford base32 (§1.3); null for blocks. */
		checkin_code: { type: String },
		payment_type: nullableString,
		notes: nullableString,
		guest_first_name: nullableString,
		guest_last_name: nullableString,
		guest_email: nullableString,
		guest_phone: nullableString,
		adults_count: { type: Number, required: true },
		children_count: { type: Number, required: true },
		infants_count: { type: Number, required: true },
		guests_registered: { type: Number, default: 0 },
		special_requests: nullableString,
		arrival_time: nullableString,
		departure_time: nullableString,
		checkin_time: nullableString,
		checkout_time: nullableString,
		checkin_completed_at: nullableDate,
		has_conflict: { type: Boolean, default: false },
		cleaning_task_id: nullableString,
		last_sync_at: nullableDate,
		ses_status: nullableString,
		ses_lote: nullableString,
		ses_submitted_at: nullableDate,
		ses_last_attempt_at: nullableDate,
		ses_last_error: nullableString,
		/**
		 * Lower-case, accent-free text the `query` filter matches (§5.2): `search_all` holds the
		 * guest fields too, for owners and managers; `search_crew` only channel id and notes.
		 */
		search_all: { type: String, default: "" },
		search_crew: { type: String, default: "" },
		created_at: { type: Date, required: true },
		updated_at: { type: Date, required: true },
		cancelled_at: nullableDate,
		outbox: outboxPath,
	},
	{ versionKey: false, collection: "bookings" },
);
indexOutbox(bookingSchema);
bookingSchema.index({ property_id: 1, from: 1, _id: 1 });
bookingSchema.index({ property_id: 1, to: 1, _id: 1 });
// Blocks have no code: documents missing the field never conflict on FerretDB, but MongoDB's
// unique index counts nulls, so the code of a block is left out rather than stored as null.
bookingSchema.index({ checkin_code: 1 }, { unique: true, sparse: true });

/**
 * One key held by an active booking: a night (`<property id>:<YYYY-MM-DD>`) or a channel
 * reference (`<property id>:channel:<channel>:<channel id>`). The unique `_id` is what makes
 * the overlap check and the write one atomic step without transactions.
 */
const claimSchema = new Schema(
	{
		_id: { type: String, required: true },
		booking_id: { type: String, required: true },
		claimed_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "night_claims" },
);
claimSchema.index({ booking_id: 1 });

/**
 * What bookings has heard of its bookings' cleaning tasks: one document per task.created
 * (`<task id>:created`) and per task.deleted (`<task id>:deleted`). Inserted, never updated,
 * so that the two events may arrive in either order (see cleaning-task.ts).
 */
const taskFactSchema = new Schema(
	{
		_id: { type: String, required: true },
		booking_id: { type: String, required: true },
		task_id: { type: String, required: true },
		kind: { type: String, enum: ["created", "deleted"], required: true },
		occurred_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "cleaning_task_facts" },
);
taskFactSchema.index({ booking_id: 1 });

export type BookingDoc = InferSchemaType<typeof bookingSchema> & { _id: string };

export function defineBookingModels(connection: Connection) {
	return {
		Booking: connection.model("Booking", bookingSchema),
		NightClaim: connection.model("NightClaim", claimSchema),
		CleaningTaskFact: connection.model("CleaningTaskFact", taskFactSchema),
		...defineIcalModels(connection),
	};
}

export type BookingModels = ReturnType<typeof defineBookingModels>;
