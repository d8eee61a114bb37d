/**
 * Tasks' side of property and crew changes: a deleted property's pending tasks are cancelled
 * (§11.6), a schedule change moves pending automatic tasks (§11.4), and a removed member's
 * open tasks go to the default cleaner (cleaning) or to nobody (§12.4).
 */
import type { RequestContext } from "../../shared/context";
import type { DomainEvent } from "../../shared/events/envelope";
import { autoWindow } from "./auto-schedule";
import { stayOf } from "./auto-tasks";
import { propertyFact } from "./facts";
import type { TaskDoc } from "./models";
import type { TasksService } from "./service-types";
import { cancelTask, moveTask, reassignTask } from "./system-writes";

const SCHEDULE_FIELDS = ["checkin_time", "checkout_time", "timezone"];
const OPEN = ["pending", "in_progress"];

const propertyIdOf = (event: DomainEvent) =>
	String(event.data.property_id ?? event.property_id ?? "").toLowerCase();

export async function onPropertyDeleted(this: TasksService, event: DomainEvent): Promise<void> {
	const propertyId = propertyIdOf(event);
	const pending = await this.models.Task.find({
		property_id: propertyId,
		status: "pending",
		deleted_at: null,
	}).lean<TaskDoc[]>();
	let cancelled = 0;
	for (const task of pending) {
		if (await cancelTask.call(this, task, "property_deleted")) cancelled++;
	}
	this.logger.info(`Property ${propertyId} deleted: ${cancelled} pending tasks cancelled`);
}

export async function onPropertyUpdated(this: TasksService, event: DomainEvent): Promise<void> {
	const changed = (event.data.changed_fields as string[] | undefined) ?? [];
	if (!changed.some((field) => SCHEDULE_FIELDS.includes(field))) return;
	const propertyId = propertyIdOf(event);
	const property = await propertyFact.call(this, null, propertyId);
	if (!property || property.deleted) return;
	const tasks = await this.models.Task.find({
		property_id: propertyId,
		auto_created: true,
		status: "pending",
		schedule_pinned: false,
		booking_id: { $ne: null },
		deleted_at: null,
	}).lean<TaskDoc[]>();
	let moved = 0;
	for (const task of tasks) {
		const stay = await stayOf.call(this, task.booking_id as string);
		if (!stay || stay.property_id !== propertyId) continue;
		const { from, to } = autoWindow(stay, property);
		if (await moveTask.call(this, task, from, to)) moved++;
	}
	this.logger.info(`Property ${propertyId} schedule changed: ${moved} pending tasks moved`);
}

/** Reassigns the member's open tasks on the property; the ids of those it changed. */
export async function reassignFromMember(
	this: TasksService,
	ctx: RequestContext<unknown> | null,
	propertyId: string,
	userId: string,
): Promise<string[]> {
	const tasks = await this.models.Task.find({
		property_id: propertyId,
		assigned_to: userId,
		status: { $in: OPEN },
		deleted_at: null,
	}).lean<TaskDoc[]>();
	if (tasks.length === 0) return [];
	const property = await propertyFact.call(this, ctx, propertyId);
	// The removed member may still be the default cleaner until properties resets it.
	const cleaner =
		property && property.default_cleaner_id !== userId
			? property.default_cleaner_id
			: (property?.owner_user_id ?? null);
	const ids: string[] = [];
	for (const task of tasks) {
		const assignee = task.task_type === "cleaning" ? cleaner : null;
		if (await reassignTask.call(this, ctx, task, assignee)) ids.push(task._id);
	}
	this.logger.info(`Member ${userId} left ${propertyId}: ${ids.length} tasks reassigned`);
	return ids;
}

export async function onMemberRemoved(this: TasksService, event: DomainEvent): Promise<void> {
	const userId = String(event.data.user_id ?? "").toLowerCase();
	if (userId) await reassignFromMember.call(this, null, propertyIdOf(event), userId);
}
