/**
 * The Task responses (§14.0, §17.15): the owner's full view, the crew view (manager, and a
 * staff or contractor assignee) without `booking_id`, `created_at` and `cancelled_at`, and the
 * stripped item other staff and contractors get. Each view is built field by field, so stored
 * fields (token hash, outbox) never reach a client.
 */
import type { PropertyRole } from "../../shared/permissions";
import { keyFrom, open } from "../../shared/secrets";
import { config } from "../../shared/config";
import type { TaskDoc } from "./models";
import type { NextBookingContext, TaskPropertyFacts } from "./service-types";

const instant = (value: Date | null | undefined) => (value ? value.toISOString() : null);

/** How the caller stands towards one task. */
export interface Viewer {
	userId: string;
	role: PropertyRole;
}

export type View = "full" | "crew" | "stripped";

export const isAssignee = (task: TaskDoc, viewer: Viewer) => task.assigned_to === viewer.userId;

export function viewOf(task: TaskDoc, viewer: Viewer): View {
	if (viewer.role === "owner") return "full";
	if (viewer.role === "manager" || isAssignee(task, viewer)) return "crew";
	return "stripped";
}

/** TaskAccess (§17.15): what this caller may do with this task now. */
export function accessOf(task: TaskDoc, viewer: Viewer) {
	const owner = viewer.role === "owner";
	const actor = owner || isAssignee(task, viewer);
	return {
		role: viewer.role,
		can_update: owner,
		can_update_job_report: actor || viewer.role === "manager",
		can_start: actor && task.status === "pending",
		can_complete: actor && task.status === "in_progress",
		can_delete:
			(owner || viewer.role === "manager") &&
			(task.status === "pending" || task.status === "cancelled"),
	};
}

/** The task's public token in clear, or null when its seal cannot be opened. */
export function publicToken(task: TaskDoc): string | null {
	try {
		return open(task.public_token_sealed, keyFrom(config().secretsKey));
	} catch {
		// A rotated secrets key leaves old seals unreadable; the hash still answers look-ups.
		return null;
	}
}

/** TaskProperty: the property's identity and location, never its settings. */
export function taskProperty(facts: TaskPropertyFacts | undefined, propertyId: string) {
	return {
		id: propertyId,
		name: facts?.name ?? null,
		address: facts?.address ?? null,
		city: facts?.city ?? null,
		timezone: facts?.timezone ?? null,
	};
}

export interface ViewInputs {
	facts: TaskPropertyFacts | undefined;
	assigneeName: string | null;
	nextBooking: NextBookingContext | null;
}

export function taskView(task: TaskDoc, viewer: Viewer, inputs: ViewInputs) {
	const view = viewOf(task, viewer);
	const property = taskProperty(inputs.facts, task.property_id);
	if (view === "stripped") {
		return { id: task._id, from: instant(task.from), to: instant(task.to), property };
	}
	const owner = (value: string | null) => (view === "full" ? value : null);
	return {
		id: task._id,
		property,
		task_type: task.task_type,
		status: task.status,
		assigned_to: task.assigned_to ?? null,
		assigned_to_name: task.assigned_to ? inputs.assigneeName : null,
		from: instant(task.from),
		to: instant(task.to),
		booking_id: owner(task.booking_id ?? null),
		notes: task.notes ?? null,
		job_report: task.job_report ?? null,
		started_at: instant(task.started_at),
		completed_at: instant(task.completed_at),
		cancelled_at: owner(instant(task.cancelled_at)),
		created_at: owner(instant(task.created_at)),
		auto_created: task.auto_created,
		next_booking: task.task_type === "cleaning" ? inputs.nextBooking : null,
		access: accessOf(task, viewer),
		// Crew views belong to the owner, managers and the assignee: all of them see it.
		public_token: publicToken(task),
	};
}

export type TaskView = ReturnType<typeof taskView>;
