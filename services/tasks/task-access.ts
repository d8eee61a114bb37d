/**
 * Access to `/v1/tasks/{id}…`, where the path names the task rather than its property: the
 * task is loaded first, then the caller's role on its property is checked with the rules of
 * the PropertyAccess middleware (no role → 404, a role not allowed → 403).
 */
import type { RequestContext } from "../../shared/context";
import { forbidden, notFound } from "../../shared/errors";
import { resolveRole, type PropertyAccess } from "../../shared/permissions";
import type { TaskDoc } from "./models";
import type { TasksService } from "./service-types";
import { isAssignee, type Viewer } from "./views";

export interface LoadedTask {
	task: TaskDoc;
	access: PropertyAccess;
	viewer: Viewer;
}

/** A live task (tombstones are gone for every reader), or null. */
export function findLiveTask(this: TasksService, id: string) {
	return this.models.Task.findOne({ _id: id.toLowerCase(), deleted_at: null }).lean<TaskDoc>();
}

export async function loadTaskFor(
	this: TasksService,
	ctx: RequestContext<{ id: string }>,
): Promise<LoadedTask> {
	const userId = ctx.meta.user?.id;
	const task = await findLiveTask.call(this, ctx.params.id);
	if (!task || !userId) throw notFound("task");
	const answer = await resolveRole(ctx.broker, ctx, task.property_id, userId);
	if (answer) {
		const access = { ...answer, propertyId: task.property_id };
		return { task, access, viewer: { userId, role: answer.role } };
	}
	if (task.assigned_to === userId) return assigneeWithoutRole(task, userId);
	throw notFound("task");
}

/**
 * "No role" excludes the task's assignee (§1.5, §18): a member removed from the property
 * whose open tasks are not reassigned yet still reaches them. They get the narrowest crew
 * standing — a contractor covering this task's type — so they see the crew view, may start,
 * complete and write the job report, and nothing else.
 */
function assigneeWithoutRole(task: TaskDoc, userId: string): LoadedTask {
	const access: PropertyAccess = {
		role: "contractor",
		services: [task.task_type],
		accountId: task.account_id,
		propertyId: task.property_id,
	};
	return { task, access, viewer: { userId, role: "contractor" } };
}

/** Starting and completing: the assignee or the owner (§14.6, §14.7). */
export function requireActor({ task, viewer }: LoadedTask): void {
	if (viewer.role !== "owner" && !isAssignee(task, viewer)) throw forbidden();
}

/** Creating and deleting: owners and managers (§14.2, §14.4). */
export function requireOwnerOrManager({ viewer }: LoadedTask): void {
	if (viewer.role !== "owner" && viewer.role !== "manager") throw forbidden();
}
