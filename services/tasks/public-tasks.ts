/**
 * The public task link (§14.9, X11, X12): what a cleaner without an account needs — the
 * property's name, address and cover, the task, the next stay's dates and headcount — and
 * nothing more: no guest data, no access codes, no other tasks, the assignee's first name
 * only. Changes made through the link are recorded with the `public_link` actor.
 */
import type { RequestContext } from "../../shared/context";
import { config } from "../../shared/config";
import { forbidden, notFound } from "../../shared/errors";
import { nextBookings, propertyFacts, userNames } from "./facts";
import type { TaskDoc } from "./models";
import { withPublicTask } from "./public-token";
import type { TasksService } from "./service-types";
import { completeTask, startTask } from "./workflow";

const instant = (value: Date | null | undefined) => (value ? value.toISOString() : null);

/**
 * Whether the task's account lets its public links start and complete tasks. §14.10 makes
 * this "configuration", so it is the operator's list, not a setting hosts edit by API.
 */
const actionsAllowed = (task: TaskDoc) =>
	!config().publicTaskActionsDisabledAccounts.includes(task.account_id);

function checkActionsAllowed(task: TaskDoc): void {
	if (!actionsAllowed(task)) {
		throw forbidden("This account does not allow starting or completing tasks by link.");
	}
}

type Facts = Awaited<ReturnType<typeof propertyFacts>>;

/** The property's facts; a deleted property takes its tasks' links with it (§11.6). */
async function liveFacts(this: TasksService, ctx: RequestContext<unknown>, task: TaskDoc) {
	const facts = await propertyFacts.call(this, ctx, [task.property_id]);
	const property = facts.get(task.property_id);
	if (!property || property.deleted) throw notFound("task");
	return facts;
}

async function publicView(
	this: TasksService,
	ctx: RequestContext<unknown>,
	task: TaskDoc,
	facts: Facts,
) {
	const [names, next] = await Promise.all([
		userNames.call(this, ctx, [task.assigned_to]),
		nextBookings.call(this, ctx, [task], facts),
	]);
	const property = facts.get(task.property_id);
	const assignee = task.assigned_to ? names.get(task.assigned_to) : undefined;
	return {
		id: task._id,
		task_type: task.task_type,
		status: task.status,
		from: instant(task.from),
		to: instant(task.to),
		notes: task.notes ?? null,
		job_report: task.job_report ?? null,
		started_at: instant(task.started_at),
		completed_at: instant(task.completed_at),
		assigned_to_name: assignee?.first_name ?? null,
		property: {
			name: property?.name ?? null,
			address: property?.address ?? null,
			city: property?.city ?? null,
			zip_code: property?.zip_code ?? null,
			timezone: property?.timezone ?? null,
			cover_image_url: property?.cover_image_url ?? null,
		},
		next_booking: next.get(task._id) ?? null,
		can_start: actionsAllowed(task) && task.status === "pending",
		can_complete: actionsAllowed(task) && task.status === "in_progress",
	};
}

type TokenContext = RequestContext<{ token: string; job_report?: string | null }>;

export function getPublicTask(this: TasksService, ctx: TokenContext) {
	return withPublicTask.call(this, ctx.params.token, async (task) => {
		const facts = await liveFacts.call(this, ctx, task);
		return publicView.call(this, ctx, task, facts);
	});
}

export function startPublicTask(this: TasksService, ctx: TokenContext) {
	return withPublicTask.call(this, ctx.params.token, async (task) => {
		const facts = await liveFacts.call(this, ctx, task);
		checkActionsAllowed(task);
		const saved = await startTask.call(this, task, { ctx, via: "public_link" });
		return publicView.call(this, ctx, saved, facts);
	});
}

export function completePublicTask(this: TasksService, ctx: TokenContext) {
	return withPublicTask.call(this, ctx.params.token, async (task) => {
		const facts = await liveFacts.call(this, ctx, task);
		checkActionsAllowed(task);
		const cause = { ctx, via: "public_link" } as const;
		const saved = await completeTask.call(this, task, cause, ctx.params.job_report);
		return publicView.call(this, ctx, saved, facts);
	});
}
