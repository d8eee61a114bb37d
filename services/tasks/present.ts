/** Turns stored tasks into responses, fetching what they show from other services per page. */
import type { RequestContext } from "../../shared/context";
import type { PropertyRole } from "../../shared/permissions";
import { fullName, nextBookings, propertyFacts, userNames } from "./facts";
import type { TaskDoc } from "./models";
import type { TasksService } from "./service-types";
import { taskView, viewOf, type Viewer } from "./views";

/** Tasks in the views `roleOf(task)` gives the caller, in the order given. */
export async function presentTasks(
	this: TasksService,
	ctx: RequestContext<unknown>,
	tasks: TaskDoc[],
	userId: string,
	roleOf: (task: TaskDoc) => PropertyRole,
) {
	const viewers = new Map<string, Viewer>(
		tasks.map((task) => [task._id, { userId, role: roleOf(task) }]),
	);
	const shown = tasks.filter((t) => viewOf(t, viewers.get(t._id) as Viewer) !== "stripped");
	const facts = await propertyFacts.call(
		this,
		ctx,
		tasks.map((t) => t.property_id),
	);
	const [names, next] = await Promise.all([
		userNames.call(
			this,
			ctx,
			shown.map((t) => t.assigned_to),
		),
		nextBookings.call(this, ctx, shown, facts),
	]);
	return tasks.map((task) =>
		taskView(task, viewers.get(task._id) as Viewer, {
			facts: facts.get(task.property_id),
			assigneeName: task.assigned_to ? fullName(names.get(task.assigned_to)) : null,
			nextBooking: next.get(task._id) ?? null,
		}),
	);
}

export async function presentTask(
	this: TasksService,
	ctx: RequestContext<unknown>,
	task: TaskDoc,
	viewer: Viewer,
) {
	const [view] = await presentTasks.call(this, ctx, [task], viewer.userId, () => viewer.role);
	return view;
}
