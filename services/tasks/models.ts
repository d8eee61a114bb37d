/**
 * The tasks service's collections: the tasks themselves, and one link per booking that has
 * (or had) an automatic cleaning task, which keeps at-least-once booking events from ever
 * creating a second one.
 */
import { Schema, type Connection, type InferSchemaType } from "mongoose";
import { indexOutbox, outboxPath } from "../../shared/events/outbox";

const nullableString = { type: String, default: null };
const nullableDate = { type: Date, default: null };

export const TASK_TYPES = ["cleaning", "maintenance", "pool", "gardening"] as const;
export const TASK_STATUSES = ["pending", "in_progress", "completed", "cancelled"] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

const taskSchema = new Schema(
	{
		_id: { type: String, required: true },
		property_id: { type: String, required: true },
		/** The account owning the property, for event envelopes. */
		account_id: { type: String, required: true },
		task_type: { type: String, enum: TASK_TYPES, required: true },
		status: { type: String, enum: TASK_STATUSES, required: true },
		assigned_to: nullableString,
		from: { type: Date, required: true },
		to: { type: Date, required: true },
		booking_id: nullableString,
		notes: nullableString,
		job_report: nullableString,
		started_at: nullableDate,
		completed_at: nullableDate,
		cancelled_at: nullableDate,
		/**
		 * Why it was cancelled (`manual`, `booking_cancelled`, `property_deleted`): a task its
		 * booking's cancellation cancelled comes back when the booking does (iCal restore).
		 */
		cancel_reason: nullableString,
		auto_created: { type: Boolean, required: true },
		/**
		 * Set when the owner moves an automatic task by hand: booking and property schedule
		 * changes no longer move it (§14.5).
		 */
		schedule_pinned: { type: Boolean, default: false },
		/**
		 * Public link (§14.9): SHA-256 of the upper-case token, for look-ups, and the token
		 * sealed with the secrets key, because owners, managers and the assignee see it.
		 */
		public_token_hash: { type: String, required: true },
		public_token_sealed: { type: String, required: true },
		created_at: { type: Date, required: true },
		updated_at: { type: Date, required: true },
		/**
		 * Deleted tasks stay as tombstones until their `task.deleted` event is published;
		 * every read ignores them.
		 */
		deleted_at: nullableDate,
		outbox: outboxPath,
	},
	{ versionKey: false, collection: "tasks" },
);
indexOutbox(taskSchema);
taskSchema.index({ property_id: 1, from: 1, _id: 1 });
taskSchema.index({ assigned_to: 1, from: 1, _id: 1 });
taskSchema.index({ booking_id: 1 });
taskSchema.index({ public_token_hash: 1 }, { unique: true });

export type TaskDoc = InferSchemaType<typeof taskSchema> & { _id: string };

/**
 * `_id` is the booking id: inserting it is the one atomic step that decides which delivery of
 * a booking event creates the automatic cleaning task. `task_id` is chosen before the task is
 * inserted, so a crash in between is finished by the next delivery with the same id.
 */
const autoTaskLinkSchema = new Schema(
	{
		_id: { type: String, required: true },
		property_id: { type: String, required: true },
		task_id: { type: String, required: true },
		/** The task was deleted by hand: it is not recreated for this booking (§14.4). */
		detached: { type: Boolean, default: false },
		created_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "auto_task_links" },
);
autoTaskLinkSchema.index({ task_id: 1 });

export type AutoTaskLinkDoc = InferSchemaType<typeof autoTaskLinkSchema> & { _id: string };

export function defineTaskModels(connection: Connection) {
	return {
		Task: connection.model("Task", taskSchema),
		AutoTaskLink: connection.model("AutoTaskLink", autoTaskLinkSchema),
	};
}

export type TaskModels = ReturnType<typeof defineTaskModels>;
