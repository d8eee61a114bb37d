/** `POST /v1/tasks` (§14.2). */
import { created, registeredCaller, type RequestContext } from "../../shared/context";
import { validationFailed, type ErrorDetail } from "../../shared/errors";
import { outboxEntries } from "../../shared/events/outbox";
import { emptyToNull } from "../../shared/params";
import { propertyAccessOf } from "../../shared/permissions";
import { checkAssignee } from "./assignment";
import { propertyFact } from "./facts";
import type { TaskType } from "./models";
import { presentTask } from "./present";
import { newTaskDoc } from "./new-task";
import type { TasksService } from "./service-types";
import { createdData, taskEvent } from "./task-events";
import { checkBooking, checkWindow, parseInstant } from "./task-input";
import type { TaskBody } from "./task-params";

export async function createTask(this: TasksService, ctx: RequestContext<TaskBody>) {
	const caller = registeredCaller(ctx);
	const access = propertyAccessOf(ctx);
	const params = ctx.params;
	const taskType = params.task_type as TaskType;
	const details: ErrorDetail[] = [];
	const from = parseInstant("from", params.from as string, details);
	const to = parseInstant("to", params.to as string, details);
	if (details.length > 0) throw validationFailed(details);
	checkWindow(from, to);
	const bookingId = params.booking_id
		? await checkBooking(ctx, params.booking_id, access.propertyId)
		: null;

	// An explicit null leaves the task unassigned; omitting it takes the default (§14.2).
	let assignee: string | null = null;
	if (params.assigned_to) {
		assignee = params.assigned_to.toLowerCase();
		await checkAssignee.call(this, ctx, access.propertyId, assignee, taskType);
	} else if (params.assigned_to === undefined && taskType === "cleaning") {
		assignee =
			(await propertyFact.call(this, ctx, access.propertyId))?.default_cleaner_id ?? null;
	}

	const task = newTaskDoc({
		propertyId: access.propertyId,
		accountId: access.accountId,
		taskType,
		assignedTo: assignee,
		from,
		to,
		bookingId,
		notes: emptyToNull(params.notes),
		autoCreated: false,
	});
	const event = taskEvent({ ctx, via: "api" }, task, "task.created", createdData(task));
	await this.models.Task.create({ ...task, outbox: outboxEntries(event) });
	await this.flushOutbox("Task", task._id);
	// TODO: tell the assignee through the activity feed (§14.2) once the timeline service
	// exists; until then they learn of the task from their list and calendar.
	this.logger.info(`Task ${task._id} (${taskType}) created on property ${access.propertyId}`);

	created(ctx, `/v1/tasks/${task._id}`);
	const viewer = { userId: caller.id, role: access.role };
	return presentTask.call(this, ctx, task, viewer);
}
