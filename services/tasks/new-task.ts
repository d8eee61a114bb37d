/** A new task document: pending, with a fresh public link, made by hand or from a booking. */
import { newId } from "../../shared/ids";
import type { TaskDoc } from "./models";
import { newTokenFields } from "./public-token";

export interface NewTaskFields {
	/** Chosen in advance for automatic tasks (their AutoTaskLink names it). */
	id?: string;
	propertyId: string;
	accountId: string;
	taskType: string;
	assignedTo: string | null;
	from: Date;
	to: Date;
	bookingId: string | null;
	notes: string | null;
	autoCreated: boolean;
}

export function newTaskDoc(fields: NewTaskFields): TaskDoc {
	const now = new Date();
	return {
		_id: fields.id ?? newId(),
		property_id: fields.propertyId,
		account_id: fields.accountId,
		task_type: fields.taskType,
		status: "pending",
		assigned_to: fields.assignedTo,
		from: fields.from,
		to: fields.to,
		booking_id: fields.bookingId,
		notes: fields.notes,
		job_report: null,
		started_at: null,
		completed_at: null,
		cancelled_at: null,
		cancel_reason: null,
		auto_created: fields.autoCreated,
		schedule_pinned: false,
		...newTokenFields(),
		created_at: now,
		updated_at: now,
		deleted_at: null,
	} as unknown as TaskDoc;
}
