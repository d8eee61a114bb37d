/**
 * What a status change writes and publishes (§14.0, §19): entering a state stamps its time,
 * restoring to pending clears `cancelled_at`, and each entry has its own event.
 */
import type { DomainEvent } from "../../shared/events/envelope";
import type { TaskDoc } from "./models";
import { taskEvent, type CancelReason, type Cause } from "./task-events";

export interface StatusChange {
	set: Record<string, unknown>;
	events: DomainEvent<unknown>[];
}

export function statusChange(
	task: TaskDoc,
	status: string,
	cause: Cause,
	options: { jobReport?: string | null; reason?: CancelReason } = {},
): StatusChange {
	const now = new Date();
	const event = (type: string, data: Record<string, unknown>) =>
		taskEvent(cause, task, type, { task_id: task._id, ...data });
	switch (status) {
		case "in_progress":
			return {
				set: { status, started_at: now },
				events: [event("task.started", { started_at: now.toISOString(), via: cause.via })],
			};
		case "completed": {
			const report = options.jobReport !== undefined ? options.jobReport : task.job_report;
			return {
				set: { status, completed_at: now },
				events: [
					event("task.completed", {
						completed_at: now.toISOString(),
						via: cause.via,
						has_job_report: Boolean(report),
					}),
				],
			};
		}
		case "cancelled":
			return {
				set: { status, cancelled_at: now, cancel_reason: options.reason ?? "manual" },
				events: [event("task.cancelled", { reason: options.reason ?? "manual" })],
			};
		default:
			// Restore (cancelled → pending): task.updated alone tells it.
			return { set: { status, cancelled_at: null, cancel_reason: null }, events: [] };
	}
}
