/**
 * A booking's `cleaning_task_id` (§17.5) follows the tasks service's events: it names the
 * booking's oldest live cleaning task, or null.
 *
 * task.created and task.deleted travel on separate streams, so a deletion may be handled
 * before its creation, and either may be redelivered. Each event is therefore first recorded
 * as an insert-only fact, and the link is then recomputed from all facts of the booking. A
 * handler re-reads the facts after writing the link and writes again if they moved on, so
 * two handlers racing each other converge on the same answer.
 */
import type { DomainEvent } from "../../shared/events/envelope";
import type { BookingsService } from "./service-types";

interface TaskEventData {
	task_id: string;
	task_type?: string;
	booking_id: string | null;
}

interface TaskFact {
	_id: string;
	task_id: string;
	kind: "created" | "deleted";
	occurred_at: Date;
}

const DUPLICATE_KEY = 11000;
/** Rounds of write-and-check; each extra one is needed only when another handler raced. */
const MAX_ROUNDS = 5;

export async function onTaskCreated(this: BookingsService, event: DomainEvent) {
	const data = event.data as unknown as TaskEventData;
	if (data.task_type !== "cleaning" || !data.booking_id) return;
	await recordFact.call(this, event, data.booking_id, "created");
	await relink.call(this, data.booking_id);
}

export async function onTaskDeleted(this: BookingsService, event: DomainEvent) {
	const data = event.data as unknown as TaskEventData;
	if (data.task_type !== "cleaning" || !data.booking_id) return;
	await recordFact.call(this, event, data.booking_id, "deleted");
	await relink.call(this, data.booking_id);
}

async function recordFact(
	this: BookingsService,
	event: DomainEvent,
	bookingId: string,
	kind: TaskFact["kind"],
) {
	const taskId = (event.data as unknown as TaskEventData).task_id;
	try {
		await this.models.CleaningTaskFact.create({
			_id: `${taskId}:${kind}`,
			booking_id: bookingId,
			task_id: taskId,
			kind,
			occurred_at: new Date(event.occurred_at),
		});
	} catch (err) {
		// A redelivery: the fact is already there.
		if ((err as { code?: number })?.code !== DUPLICATE_KEY) throw err;
	}
}

/** The oldest cleaning task of the booking that has been created and not deleted. */
async function liveCleaningTask(this: BookingsService, bookingId: string) {
	const facts = await this.models.CleaningTaskFact.find({ booking_id: bookingId })
		.sort({ occurred_at: 1, task_id: 1 })
		.lean<TaskFact[]>();
	const deleted = new Set(facts.filter((f) => f.kind === "deleted").map((f) => f.task_id));
	return facts.find((f) => f.kind === "created" && !deleted.has(f.task_id))?.task_id ?? null;
}

async function relink(this: BookingsService, bookingId: string) {
	let wanted = await liveCleaningTask.call(this, bookingId);
	for (let round = 0; round < MAX_ROUNDS; round++) {
		await this.models.Booking.updateOne(
			{ _id: bookingId, cleaning_task_id: { $ne: wanted } },
			{ $set: { cleaning_task_id: wanted } },
		);
		const now = await liveCleaningTask.call(this, bookingId);
		if (now === wanted) return;
		wanted = now;
	}
	this.logger.warn(`Cleaning task link of booking ${bookingId} kept changing; left as is`);
}
