/**
 * Automatic cleaning tasks from booking events (§14.11), at least once and idempotently.
 *
 * Events are only a nudge: each handler reads the booking's current stay from the bookings
 * service, so deliveries out of order (created after cancelled, two updates swapped) still
 * end in the right state. The AutoTaskLink keyed by booking id decides the single task.
 */
import type { DomainEvent } from "../../shared/events/envelope";
import { outboxEntries } from "../../shared/events/outbox";
import { newId } from "../../shared/ids";
import { autoWindow } from "./auto-schedule";
import { propertyFact } from "./facts";
import type { AutoTaskLinkDoc, TaskDoc } from "./models";
import { newTaskDoc } from "./new-task";
import type { BookingStay, TaskPropertyFacts, TasksService } from "./service-types";
import { cancelTask, moveTask, restoreTask } from "./system-writes";
import { createdData, taskEvent } from "./task-events";

const DUPLICATE_KEY = 11000;

const isDuplicate = (err: unknown) => (err as { code?: number }).code === DUPLICATE_KEY;

const bookingIdOf = (event: DomainEvent) => String(event.data.booking_id ?? "").toLowerCase();

export function stayOf(this: TasksService, bookingId: string) {
	return this.broker.call<BookingStay | null, { bookingId: string }>("bookings.stayOf", {
		bookingId,
	});
}

const wantsTask = (stay: BookingStay | null): stay is BookingStay =>
	stay !== null && stay.type === "reservation" && stay.status === "confirmed";

/** The booking's link: the existing one, or the one this call inserted. */
async function claimLink(this: TasksService, stay: BookingStay): Promise<AutoTaskLinkDoc> {
	const { AutoTaskLink } = this.models;
	const existing = await AutoTaskLink.findById(stay.id).lean<AutoTaskLinkDoc>();
	if (existing) return existing;
	const link = {
		_id: stay.id,
		property_id: stay.property_id,
		task_id: newId(),
		detached: false,
		created_at: new Date(),
	};
	try {
		await AutoTaskLink.create(link);
		return link as AutoTaskLinkDoc;
	} catch (err) {
		if (!isDuplicate(err)) throw err;
		return (await AutoTaskLink.findById(stay.id).lean<AutoTaskLinkDoc>()) as AutoTaskLinkDoc;
	}
}

/** Creates the booking's cleaning task unless it exists, or existed and was deleted. */
export async function ensureAutoTask(
	this: TasksService,
	stay: BookingStay,
	property: TaskPropertyFacts,
	event: DomainEvent | null,
): Promise<void> {
	const link = await claimLink.call(this, stay);
	if (link.detached) return;
	// A task row (live or tombstone) with the link's id means an earlier delivery got here.
	if (await this.models.Task.exists({ _id: link.task_id })) return;

	const { from, to } = autoWindow(stay, property);
	const task = newTaskDoc({
		id: link.task_id,
		propertyId: stay.property_id,
		accountId: property.account_id,
		taskType: "cleaning",
		assignedTo: property.default_cleaner_id,
		from,
		to,
		bookingId: stay.id,
		notes: null,
		autoCreated: true,
	});
	const created = taskEvent({ ctx: null, via: "api" }, task, "task.created", createdData(task));
	if (event?.request_id) created.request_id = event.request_id;
	try {
		await this.models.Task.create({ ...task, outbox: outboxEntries(created) });
	} catch (err) {
		if (isDuplicate(err)) return; // a concurrent delivery created it
		throw err;
	}
	await this.flushOutbox("Task", task._id);
	this.logger.info(`Cleaning task ${task._id} created for booking ${stay.id}`);
	await cancelIfBookingCancelled.call(this, task as TaskDoc);
}

/**
 * `stay` was read before the task existed, so a booking.cancelled handled in between found no
 * task to cancel (its events and this one's come on separate streams). Reading the stay again
 * after the insert closes that gap: one of the two handlers always sees both facts.
 */
async function cancelIfBookingCancelled(this: TasksService, task: TaskDoc) {
	const latest = await stayOf.call(this, task.booking_id as string);
	if (latest?.status !== "cancelled") return;
	if (await cancelTask.call(this, task, "booking_cancelled")) {
		this.logger.info(
			`Cleaning task ${task._id} cancelled: its booking was cancelled meanwhile`,
		);
	}
}

/** The booking's automatic task, if it has a live one. */
async function autoTaskOf(this: TasksService, bookingId: string): Promise<TaskDoc | null> {
	const link = await this.models.AutoTaskLink.findById(bookingId).lean<AutoTaskLinkDoc>();
	if (!link || link.detached) return null;
	return this.models.Task.findOne({ _id: link.task_id, deleted_at: null }).lean<TaskDoc>();
}

/** Brings the booking's task in line with its current stay: created, then moved if due. */
export async function syncWithStay(
	this: TasksService,
	bookingId: string,
	event: DomainEvent | null,
): Promise<void> {
	const stay = await stayOf.call(this, bookingId);
	if (!wantsTask(stay)) return;
	const property = await propertyFact.call(this, null, stay.property_id);
	if (!property || property.deleted) return;
	await ensureAutoTask.call(this, stay, property, event);
	let task = await autoTaskOf.call(this, stay.id);
	if (!task) return;
	if (await restoreTask.call(this, task)) {
		this.logger.info(`Cleaning task ${task._id} restored with booking ${stay.id}`);
		task = await autoTaskOf.call(this, stay.id);
		if (!task) return;
	}
	const { from, to } = autoWindow(stay, property);
	if (await moveTask.call(this, task, from, to)) {
		this.logger.info(`Cleaning task ${task._id} moved with booking ${stay.id}`);
	}
}

/** booking.created and booking.updated: both reduce to "match the current stay". */
export async function onBookingChanged(this: TasksService, event: DomainEvent): Promise<void> {
	const bookingId = bookingIdOf(event);
	if (bookingId) await syncWithStay.call(this, bookingId, event);
}

/**
 * booking.cancelled: a pending automatic task is cancelled; started or done ones stay. A
 * booking confirmed again since (restored by its feed) keeps its task.
 */
export async function onBookingCancelled(this: TasksService, event: DomainEvent): Promise<void> {
	const bookingId = bookingIdOf(event);
	const stay = await stayOf.call(this, bookingId);
	if (stay && stay.status !== "cancelled") return;
	const task = await autoTaskOf.call(this, bookingId);
	if (task && (await cancelTask.call(this, task, "booking_cancelled"))) {
		this.logger.info(`Cleaning task ${task._id} cancelled with its booking`);
	}
}
