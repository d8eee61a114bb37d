/**
 * `PATCH /v1/tasks/{id}` (§14.5): a JSON Merge Patch. The owner may change every field; a
 * manager or the assignee only `job_report` (any other field is 403 naming it); other crew
 * nothing. Status follows the state machine, `assigned_to` the assignment rule, and moving an
 * automatic task by hand pins it against later booking and property schedule changes.
 */
import type { RequestContext } from "../../shared/context";
import { ApiError, forbidden, validationFailed, type ErrorDetail } from "../../shared/errors";
import type { DomainEvent } from "../../shared/events/envelope";
import { emptyToNull } from "../../shared/params";
import { checkAssignee } from "./assignment";
import type { TaskDoc } from "./models";
import { presentTask } from "./present";
import type { TasksService } from "./service-types";
import { loadTaskFor } from "./task-access";
import { taskEvent, updatedData, type Cause } from "./task-events";
import { checkWindow, parseInstant } from "./task-input";
import type { TaskBody } from "./task-params";
import { checkTransition, writeTask } from "./task-store";
import { statusChange } from "./transitions";
import { isAssignee } from "./views";

const FIELDS = ["assigned_to", "notes", "status", "job_report", "from", "to"] as const;
type Field = (typeof FIELDS)[number];

type PatchContext = RequestContext<TaskBody & { id: string }>;

/** 403 naming the fields this caller may not send. */
function refuseFields(fields: string[]): ApiError {
	const message = "Only job_report can be changed with your role.";
	return new ApiError(
		403,
		"FORBIDDEN",
		message,
		fields.map((field) => ({ field, message: "Not modifiable with your role." })),
	);
}

/** The patch as stored values (instants parsed, empty strings null). */
function normalise(params: TaskBody, sent: Field[]): Record<string, unknown> {
	const details: ErrorDetail[] = [];
	const values: Record<string, unknown> = {};
	for (const field of sent) {
		const raw = params[field];
		if (field === "from" || field === "to")
			values[field] = parseInstant(field, raw as string, details);
		else if (field === "notes" || field === "job_report") values[field] = emptyToNull(raw);
		else if (field === "assigned_to") values[field] = raw ? String(raw).toLowerCase() : null;
		else values[field] = raw;
	}
	if (details.length > 0) throw validationFailed(details);
	return values;
}

const same = (a: unknown, b: unknown) =>
	a instanceof Date || b instanceof Date
		? new Date(a as Date).getTime() === new Date(b as Date).getTime()
		: (a ?? null) === (b ?? null);

export async function patchTask(this: TasksService, ctx: PatchContext) {
	const loaded = await loadTaskFor.call(this, ctx);
	const { task, viewer } = loaded;
	const sent = FIELDS.filter((field) => ctx.params[field] !== undefined);
	if (viewer.role !== "owner") {
		if (viewer.role !== "manager" && !isAssignee(task, viewer)) throw forbidden();
		const others = sent.filter((field) => field !== "job_report");
		if (others.length > 0) throw refuseFields(others);
	}

	const patch = normalise(ctx.params, sent);
	const record = task as unknown as Record<string, unknown>;
	const changed = sent.filter((field) => !same(record[field], patch[field]));
	if (changed.length === 0) return presentTask.call(this, ctx, task, viewer);
	await validate.call(this, ctx, task, patch, changed);

	const saved = await applyPatch.call(this, { ctx, via: "api" }, task, patch, changed);
	return presentTask.call(this, ctx, saved, viewer);
}

async function validate(
	this: TasksService,
	ctx: PatchContext,
	task: TaskDoc,
	patch: Record<string, unknown>,
	changed: Field[],
): Promise<void> {
	if (changed.includes("status")) checkTransition(task.status, patch.status as string);
	if (changed.includes("from") || changed.includes("to")) {
		checkWindow((patch.from as Date) ?? task.from, (patch.to as Date) ?? task.to);
	}
	if (changed.includes("assigned_to") && patch.assigned_to) {
		await checkAssignee.call(
			this,
			ctx,
			task.property_id,
			patch.assigned_to as string,
			task.task_type,
		);
	}
}

async function applyPatch(
	this: TasksService,
	cause: Cause,
	task: TaskDoc,
	patch: Record<string, unknown>,
	changed: Field[],
): Promise<TaskDoc> {
	const set: Record<string, unknown> = Object.fromEntries(changed.map((f) => [f, patch[f]]));
	const moved = changed.includes("from") || changed.includes("to");
	if (moved && task.auto_created) set.schedule_pinned = true;
	const events: DomainEvent<unknown>[] = [
		taskEvent(cause, task, "task.updated", updatedData(task, changed)),
	];
	let expectedStatus: string | undefined;
	if (changed.includes("status")) {
		const jobReport = changed.includes("job_report") ? (patch.job_report as string) : undefined;
		const change = statusChange(task, patch.status as string, cause, { jobReport });
		Object.assign(set, change.set);
		events.push(...change.events);
		expectedStatus = task.status;
	}
	const saved = await writeTask.call(this, task, { set, events, expectedStatus });
	this.logger.info(`Task ${task._id} updated: ${changed.join(", ")}`);
	return saved;
}
