/**
 * Starting and completing a task (§14.6, §14.7, X11, X12), shared by the authenticated and
 * the public-link operations. Only these transitions are allowed here: start from pending,
 * complete from in_progress; anything else is 409 INVALID_STATE_TRANSITION.
 */
import { conflict } from "../../shared/errors";
import { emptyToNull } from "../../shared/params";
import type { TaskDoc } from "./models";
import type { TasksService } from "./service-types";
import type { Cause } from "./task-events";
import { writeTask } from "./task-store";
import { statusChange } from "./transitions";

function expect(task: TaskDoc, status: string, target: string): void {
	if (task.status !== status) {
		throw conflict(
			"INVALID_STATE_TRANSITION",
			`Only a ${status} task can become ${target}; this one is ${task.status}.`,
		);
	}
}

export function startTask(this: TasksService, task: TaskDoc, cause: Cause): Promise<TaskDoc> {
	expect(task, "pending", "in_progress");
	const change = statusChange(task, "in_progress", cause);
	return writeTask.call(this, task, { ...change, expectedStatus: "pending" });
}

/** `jobReport` undefined keeps the stored report; null or text replaces it with completion. */
export function completeTask(
	this: TasksService,
	task: TaskDoc,
	cause: Cause,
	jobReport: string | null | undefined,
): Promise<TaskDoc> {
	expect(task, "in_progress", "completed");
	const report = jobReport === undefined ? undefined : emptyToNull(jobReport);
	const change = statusChange(task, "completed", cause, { jobReport: report });
	const set = report === undefined ? change.set : { ...change.set, job_report: report };
	return writeTask.call(this, task, {
		set,
		events: change.events,
		expectedStatus: "in_progress",
	});
}
