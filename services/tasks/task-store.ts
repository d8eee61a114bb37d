/**
 * Writes to one task together with its events, in one single-document update (outbox), then
 * publishes them.
 *
 * A status change is guarded by the status it was decided from (`status` in the filter), so
 * two concurrent transitions cannot both apply. FerretDB 1.x does not guarantee that a
 * conditional update is atomic under heavy concurrency (no document-level locking on its
 * SQLite backend, which rewrites the whole document: a write racing the outbox's `$pop` can
 * even be lost); on MongoDB the guard is exact. Other field changes are last-writer-wins.
 */
import { conflict, notFound } from "../../shared/errors";
import type { DomainEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import type { TaskDoc } from "./models";
import type { TasksService } from "./service-types";

export interface TaskWrite {
	set: Record<string, unknown>;
	events: DomainEvent<unknown>[];
	/** Guard: the status the change was decided from; omitted for field-only changes. */
	expectedStatus?: string;
}

const illegal = (from: string, to: string) =>
	conflict("INVALID_STATE_TRANSITION", `A ${from} task cannot become ${to}.`);

/** Applies the write; a lost race on the status is a 409, a deleted task a 404. */
export async function writeTask(
	this: TasksService,
	task: TaskDoc,
	write: TaskWrite,
): Promise<TaskDoc> {
	const filter: Record<string, unknown> = { _id: task._id, deleted_at: null };
	if (write.expectedStatus) filter.status = write.expectedStatus;
	const update: Record<string, unknown> = { $set: { ...write.set, updated_at: new Date() } };
	if (write.events.length > 0) Object.assign(update, queueEvents(...write.events));
	const result = await this.models.Task.updateOne(filter, update);
	if (result.matchedCount === 0) {
		const current = await this.models.Task.findOne({ _id: task._id, deleted_at: null })
			.select("status")
			.lean<TaskDoc>();
		if (!current) throw notFound("task");
		throw illegal(current.status, String(write.set.status ?? task.status));
	}
	if (write.events.length > 0) await this.flushOutbox("Task", task._id);
	return (await this.models.Task.findById(task._id).lean<TaskDoc>()) as TaskDoc;
}

/** Allowed status changes (§14.0); the workflow actions allow a subset of them. */
export const TRANSITIONS: Record<string, string[]> = {
	pending: ["in_progress", "cancelled"],
	in_progress: ["completed", "cancelled"],
	completed: [],
	cancelled: ["pending"],
};

export function checkTransition(from: string, to: string): void {
	if (from !== to && !TRANSITIONS[from]?.includes(to)) throw illegal(from, to);
}
