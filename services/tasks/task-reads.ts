/**
 * Reading tasks: the list across the caller's properties (§14.1), a property's list (§14.8)
 * and one task (§14.3). Which tasks a caller sees, and in which view, follows §14.0: owners
 * and managers everything, staff everything with others' tasks stripped, contractors only
 * their own.
 */
import { registeredCaller, type RequestContext } from "../../shared/context";
import { ApiError } from "../../shared/errors";
import { addDays, isValidDate, localInstant } from "../../shared/local-dates";
import { propertyAccessOf, type PropertyRole } from "../../shared/permissions";
import { propertyFacts } from "./facts";
import type { TaskDoc } from "./models";
import { presentTask, presentTasks } from "./present";
import type { TasksService } from "./service-types";
import { loadTaskFor } from "./task-access";
import type { ListQuery } from "./task-params";

/** The properties a list covers, each with the caller's role and whether all tasks show. */
interface Scope {
	propertyId: string;
	role: PropertyRole;
	/** False: only the caller's own tasks on this property. */
	all: boolean;
}

function checkDates(q: ListQuery): void {
	for (const field of ["scheduled_from", "scheduled_to"] as const) {
		const value = q[field];
		if (value && !isValidDate(value)) {
			throw new ApiError(400, "INVALID_PARAMETER", "A request parameter is invalid.", [
				{ field, message: "Not a real date." },
			]);
		}
	}
	if (q.scheduled_from && q.scheduled_to && q.scheduled_from > q.scheduled_to) {
		throw new ApiError(400, "INVALID_DATE_RANGE", "scheduled_from is after scheduled_to.", [
			{ field: "scheduled_from", message: "Must not be after scheduled_to." },
		]);
	}
}

/** `from` bounds of the local-date filters in one time zone. */
function bounds(q: ListQuery, timezone: string) {
	const range: Record<string, Date> = {};
	if (q.scheduled_from) range.$gte = localInstant(q.scheduled_from, "00:00", timezone);
	if (q.scheduled_to) range.$lt = localInstant(addDays(q.scheduled_to, 1), "00:00", timezone);
	return range;
}

/** One clause per (visibility, time zone) group of the scope: local dates differ by zone. */
async function scopeClauses(
	this: TasksService,
	ctx: RequestContext<unknown>,
	q: ListQuery,
	scope: Scope[],
	userId: string,
) {
	const dated = Boolean(q.scheduled_from || q.scheduled_to);
	const facts = dated
		? await propertyFacts.call(
				this,
				ctx,
				scope.map((s) => s.propertyId),
			)
		: new Map();
	const groups = new Map<string, { all: boolean; timezone: string; ids: string[] }>();
	for (const item of scope) {
		const timezone = facts.get(item.propertyId)?.timezone ?? "UTC";
		const key = `${item.all}|${dated ? timezone : ""}`;
		const group = groups.get(key) ?? { all: item.all, timezone, ids: [] as string[] };
		group.ids.push(item.propertyId);
		groups.set(key, group);
	}
	return [...groups.values()].map((group) => ({
		property_id: { $in: group.ids },
		...(group.all ? {} : { assigned_to: userId }),
		...(dated ? { from: bounds(q, group.timezone) } : {}),
	}));
}

async function page(
	this: TasksService,
	ctx: RequestContext<ListQuery>,
	scope: Scope[],
	userId: string,
) {
	const q = ctx.params;
	checkDates(q);
	const empty = { tasks: [], page: q.page, size: q.size, total: 0 };
	if (scope.length === 0) return empty;
	const filter: Record<string, unknown> = {
		deleted_at: null,
		$or: await scopeClauses.call(this, ctx, q, scope, userId),
	};
	if (q.status) filter.status = q.status;
	else if (!q.include_cancelled) filter.status = { $ne: "cancelled" };
	if (q.task_type) filter.task_type = q.task_type;
	if (q.assigned_to) {
		filter.assigned_to = q.assigned_to === "me" ? userId : q.assigned_to.toLowerCase();
	}
	const [tasks, total] = await Promise.all([
		this.models.Task.find(filter)
			.sort({ from: 1, _id: 1 })
			.skip(q.page * q.size)
			.limit(q.size)
			.lean<TaskDoc[]>(),
		this.models.Task.countDocuments(filter),
	]);
	const roles = new Map(scope.map((s) => [s.propertyId, s.role]));
	const views = await presentTasks.call(
		this,
		ctx,
		tasks,
		userId,
		(task) => roles.get(task.property_id) ?? "contractor",
	);
	return { tasks: views, page: q.page, size: q.size, total };
}

/** Owners, managers and staff see all of a property's tasks; contractors only their own. */
const seesAll = (role: PropertyRole) => role !== "contractor";

export function listPropertyTasks(this: TasksService, ctx: RequestContext<ListQuery>) {
	const caller = registeredCaller(ctx);
	const access = propertyAccessOf(ctx);
	const scope = [{ propertyId: access.propertyId, role: access.role, all: seesAll(access.role) }];
	return page.call(this, ctx, scope, caller.id);
}

interface Accessible {
	propertyId: string;
	role: PropertyRole;
}

export async function listTasks(this: TasksService, ctx: RequestContext<ListQuery>) {
	const caller = registeredCaller(ctx);
	const accessible = await ctx.call<Accessible[], { userId: string }>(
		"properties.accessibleProperties",
		{ userId: caller.id },
	);
	const wanted = ctx.params.property_id?.toLowerCase();
	// Without property_id: every task where the caller manages, plus their own elsewhere.
	// With it: as the property's own list, or an empty page when the caller has no role.
	const scope = accessible
		.filter((p) => !wanted || p.propertyId === wanted)
		.map((p) => ({
			propertyId: p.propertyId,
			role: p.role,
			all: wanted ? seesAll(p.role) : p.role === "owner" || p.role === "manager",
		}));
	return page.call(this, ctx, scope, caller.id);
}

export async function getTask(this: TasksService, ctx: RequestContext<{ id: string }>) {
	const { task, viewer } = await loadTaskFor.call(this, ctx);
	return presentTask.call(this, ctx, task, viewer);
}
