/**
 * A booking's `cleaning_task_id` (§17.5) follows the tasks service's events: the first
 * cleaning task created for the booking is linked, and unlinked when it is deleted. Both
 * handlers are guarded writes, so redeliveries change nothing.
 */
import type { DomainEvent } from "../../shared/events/envelope";
import type { BookingsService } from "./service-types";

interface TaskEventData {
	task_id: string;
	task_type?: string;
	booking_id: string | null;
}

export async function onTaskCreated(this: BookingsService, event: DomainEvent) {
	const data = event.data as unknown as TaskEventData;
	if (data.task_type !== "cleaning" || !data.booking_id) return;
	await this.models.Booking.updateOne(
		{ _id: data.booking_id, cleaning_task_id: null },
		{ $set: { cleaning_task_id: data.task_id } },
	);
}

// TODO: task.created and task.deleted travel on separate streams; a task.deleted handled
// before its task.created would leave the link set. Rare (a task deleted within the same
// second), and the link then names a task that answers 404.
export async function onTaskDeleted(this: BookingsService, event: DomainEvent) {
	const data = event.data as unknown as TaskEventData;
	if (!data.booking_id) return;
	await this.models.Booking.updateOne(
		{ _id: data.booking_id, cleaning_task_id: data.task_id },
		{ $set: { cleaning_task_id: null } },
	);
}
