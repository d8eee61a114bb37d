/**
 * Transactional outbox on the changed document itself.
 *
 * FerretDB has no multi-document transactions, so an event is written into the `outbox` array
 * of the document it is about, in the same single-document update as the change. It is then
 * published and popped off; a periodic sweep republishes whatever a crash left behind.
 * Consumers de-duplicate by event id, so a second publication is harmless.
 */
import { Schema, type Model } from "mongoose";
import type { DomainEvent } from "./envelope";

export interface OutboxEntry {
	event: DomainEvent<unknown>;
	queued_at: Date;
}

/** Schema path to add to a model whose changes emit events. */
// Not `select: false`: FerretDB refuses findOneAndUpdate once mongoose adds a projection.
// Views build responses field by field, so the outbox never reaches a client.
export const outboxPath = { type: [Schema.Types.Mixed], default: [] };

/**
 * The index the sweep's query uses, for every schema with an outbox. Without it each sweep
 * (every few seconds, on every replica) reads the whole collection on MongoDB.
 */
export function indexOutbox(schema: Schema): void {
	schema.index({ "outbox.queued_at": 1 }, { name: "outbox_queued_at" });
}

/** The outbox of a document created together with its events. */
export function outboxEntries(...events: DomainEvent<unknown>[]): OutboxEntry[] {
	const queuedAt = new Date();
	return events.map((event) => ({ event, queued_at: queuedAt }));
}

/** An update fragment appending events to a document's outbox. */
export function queueEvents(...events: DomainEvent<unknown>[]) {
	return { $push: { outbox: { $each: outboxEntries(...events) } } };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any>;

/**
 * Publishes the outbox of one document in order, removing each entry once it is published.
 * Stops at the first failure so that events about one aggregate never overtake each other.
 */
export async function drainOutbox(
	model: AnyModel,
	id: unknown,
	publish: (event: DomainEvent<unknown>) => Promise<void>,
): Promise<number> {
	let published = 0;
	for (;;) {
		const doc = await model.findById(id).select("outbox").lean<{ outbox?: OutboxEntry[] }>();
		const head = doc?.outbox?.[0];
		if (!head) return published;
		await publish(head.event);
		// `$pop` guarded by the head's id: `$pull` with a condition is not reliable on FerretDB.
		await model.updateOne(
			{ _id: id, "outbox.0.event.id": head.event.id },
			{ $pop: { outbox: -1 } },
		);
		published++;
	}
}

/** Ids of documents whose outbox still holds an entry queued before `olderThan`. */
export async function staleOutboxIds(model: AnyModel, olderThan: Date, limit = 100) {
	const docs = await model
		// Entries are appended in time order: any old entry means the first one is old too.
		.find({ "outbox.queued_at": { $lt: olderThan } })
		.select("_id")
		.limit(limit)
		.lean<{ _id: unknown }[]>();
	return docs.map((doc) => doc._id);
}
