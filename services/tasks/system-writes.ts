/**
 * Changes the system makes to tasks when other services' events arrive: moving, cancelling
 * and reassigning, each guarded by the state that made it applicable and published as
 * `task.updated` (or `task.cancelled`). A guard that no longer matches means a person (or
 * another delivery) changed the task first: the change is skipped, not retried.
 */
import type { RequestContext } from "../../shared/context";
import type { DomainEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import type { TaskDoc } from "./models";
import type { TasksService } from "./service-types";
import { taskEvent, updatedData, type CancelReason } from "./task-events";
import { statusChange } from "./transitions";

type Caller = RequestContext<unknown> | null;

async function guardedWrite(
	this: TasksService,
	task: TaskDoc,
	guard: Record<string, unknown>,
	set: Record<string, unknown>,
	events: DomainEvent<unknown>[],
): Promise<boolean> {
	const result = await this.models.Task.updateOne(
		{ _id: task._id, deleted_at: null, ...guard },
		{ $set: { ...set, updated_at: new Date() }, ...queueEvents(...events) },
	);
	if (result.modifiedCount === 0) return false;
	await this.flushOutbox("Task", task._id);
	return true;
}

/** Moves a pending, unpinned task to a new window; false when nothing changed. */
export function moveTask(this: TasksService, task: TaskDoc, from: Date, to: Date) {
	const changed = [
		...(task.from.getTime() === from.getTime() ? [] : ["from"]),
		...(task.to.getTime() === to.getTime() ? [] : ["to"]),
	];
	if (changed.length === 0 || task.status !== "pending" || task.schedule_pinned) {
		return Promise.resolve(false);
	}
	const event = taskEvent({ ctx: null, via: "api" }, task, "task.updated", {
		...updatedData(task, changed),
	});
	return guardedWrite.call(
		this,
		task,
		{ status: "pending", schedule_pinned: false, from: task.from, to: task.to },
		{ from, to },
		[event],
	);
}

/** Cancels a pending task for a reason that is not a person's decision. */
export function cancelTask(this: TasksService, task: TaskDoc, reason: CancelReason) {
	if (task.status !== "pending") return Promise.resolve(false);
	const cause = { ctx: null, via: "api" } as const;
	const change = statusChange(task, "cancelled", cause, { reason });
	return guardedWrite.call(this, task, { status: "pending" }, change.set, change.events);
}

/**
 * Puts back (pending) a task that its booking's cancellation cancelled, once the booking is
 * confirmed again (a channel listing a vanished stay again restores the booking). A task the
 * owner cancelled stays cancelled.
 */
export function restoreTask(this: TasksService, task: TaskDoc) {
	if (task.status !== "cancelled" || task.cancel_reason !== "booking_cancelled") {
		return Promise.resolve(false);
	}
	const cause = { ctx: null, via: "api" } as const;
	const change = statusChange(task, "pending", cause);
	const event = taskEvent(cause, task, "task.updated", updatedData(task, ["status"]));
	return guardedWrite.call(
		this,
		task,
		{ status: "cancelled", cancel_reason: "booking_cancelled" },
		change.set,
		[event],
	);
}

/** Hands a task of a removed member to someone else (or nobody). */
export function reassignTask(
	this: TasksService,
	ctx: Caller,
	task: TaskDoc,
	assignee: string | null,
) {
	const event = taskEvent({ ctx, via: "api" }, task, "task.updated", {
		...updatedData(task, ["assigned_to"]),
	});
	return guardedWrite.call(
		this,
		task,
		{ assigned_to: task.assigned_to, status: task.status },
		{ assigned_to: assignee },
		[event],
	);
}
