/** `POST /v1/tasks/{id}/start`, `…/complete` (§14.6, §14.7) and `DELETE /v1/tasks/{id}` (§14.4). */
import type { RequestContext } from "../../shared/context";
import { conflict, notFound } from "../../shared/errors";
import { queueEvents } from "../../shared/events/outbox";
import type { TaskDoc } from "./models";
import { presentTask } from "./present";
import type { TasksService } from "./service-types";
import { loadTaskFor, requireActor, requireOwnerOrManager } from "./task-access";
import { deletedData, taskEvent } from "./task-events";
import { completeTask, startTask } from "./workflow";

type IdContext = RequestContext<{ id: string }>;

export async function startHandler(this: TasksService, ctx: IdContext) {
	const loaded = await loadTaskFor.call(this, ctx);
	requireActor(loaded);
	const saved = await startTask.call(this, loaded.task, { ctx, via: "api" });
	return presentTask.call(this, ctx, saved, loaded.viewer);
}

export async function completeHandler(
	this: TasksService,
	ctx: RequestContext<{ id: string; job_report?: string | null }>,
) {
	const loaded = await loadTaskFor.call(this, ctx);
	requireActor(loaded);
	const cause = { ctx, via: "api" } as const;
	const saved = await completeTask.call(this, loaded.task, cause, ctx.params.job_report);
	return presentTask.call(this, ctx, saved, loaded.viewer);
}

const DELETABLE = ["pending", "cancelled"];

export async function deleteHandler(this: TasksService, ctx: IdContext) {
	const loaded = await loadTaskFor.call(this, ctx);
	requireOwnerOrManager(loaded);
	const { task } = loaded;
	if (!DELETABLE.includes(task.status)) {
		throw conflict("TASK_NOT_DELETABLE", "Only pending or cancelled tasks can be deleted.");
	}

	// Detach first: from now on no booking event recreates this booking's task.
	if (task.auto_created && task.booking_id) {
		await this.models.AutoTaskLink.updateOne(
			{ _id: task.booking_id, task_id: task._id },
			{ $set: { detached: true } },
		);
	}
	const event = taskEvent({ ctx, via: "api" }, task, "task.deleted", deletedData(task));
	// Guarded by the status it was judged deletable in (see task-store.ts on FerretDB).
	const result = await this.models.Task.updateOne(
		{ _id: task._id, status: task.status, deleted_at: null },
		{ $set: { deleted_at: new Date(), updated_at: new Date() }, ...queueEvents(event) },
	);
	if (result.matchedCount === 0) {
		const current = await this.models.Task.findOne({ _id: task._id, deleted_at: null })
			.select("status")
			.lean<TaskDoc>();
		if (!current) throw notFound("task");
		throw conflict("TASK_NOT_DELETABLE", "Only pending or cancelled tasks can be deleted.");
	}
	await this.flushOutbox("Task", task._id);
	await purgeTombstones.call(this, task._id);
	this.logger.info(`Task ${task._id} deleted`);
	ctx.meta.$statusCode = 204;
	return null;
}

/**
 * Removes deleted tasks whose `task.deleted` has been published (empty outbox); a tombstone
 * whose event is still queued stays until the outbox sweep has published it.
 */
export async function purgeTombstones(this: TasksService, id?: string): Promise<number> {
	const filter: Record<string, unknown> = {
		deleted_at: { $ne: null },
		"outbox.0": { $exists: false },
	};
	if (id) filter._id = id;
	const result = await this.models.Task.deleteMany(filter);
	return result.deletedCount;
}
