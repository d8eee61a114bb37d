/** The `data` of each task event (§19): ids and non-personal attributes only. */
import type { RequestContext } from "../../shared/context";
import { buildEvent, type DomainEvent } from "../../shared/events/envelope";
import type { TaskDoc } from "./models";

export type Via = "api" | "public_link";
export type CancelReason = "manual" | "booking_cancelled" | "property_deleted";

/** Fields whose previous values `task.updated` carries. */
export const PREVIOUS_FIELDS = ["assigned_to", "from", "to", "status"] as const;

const iso = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null);

/** Who caused the change: a user, the public link, or the system (ctx null). */
export interface Cause {
	ctx: RequestContext<unknown> | null;
	via: Via;
}

export function taskEvent(
	cause: Cause,
	task: Pick<TaskDoc, "account_id" | "property_id">,
	type: string,
	data: Record<string, unknown>,
): DomainEvent<Record<string, unknown>> {
	return buildEvent(cause.ctx, type, {
		accountId: task.account_id,
		propertyId: task.property_id,
		data,
		...(cause.via === "public_link" ? { actor: { type: "public_link", id: null } } : {}),
	});
}

export const createdData = (task: TaskDoc) => ({
	task_id: task._id,
	task_type: task.task_type,
	booking_id: task.booking_id ?? null,
	assigned_to: task.assigned_to ?? null,
	from: iso(task.from),
	to: iso(task.to),
	auto_created: task.auto_created,
});

export function updatedData(task: TaskDoc, changed: string[]) {
	const previous = Object.fromEntries(
		PREVIOUS_FIELDS.map((field) => {
			const value = task[field];
			return [field, value instanceof Date ? value.toISOString() : (value ?? null)];
		}),
	);
	return { task_id: task._id, changed_fields: changed, previous };
}

export const deletedData = (task: TaskDoc) => ({
	task_id: task._id,
	task_type: task.task_type,
	booking_id: task.booking_id ?? null,
});
