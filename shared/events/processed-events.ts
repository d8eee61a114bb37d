/**
 * Event ids a consumer has handled. Delivery is at least once; this collection lets each
 * consumer group skip what it has already done.
 */
import { Schema, type Connection } from "mongoose";

interface ProcessedEvent {
	_id: string;
	type: string;
	processed_at: Date;
}

const processedEventSchema = new Schema<ProcessedEvent>(
	{
		_id: { type: String, required: true }, // "<consumer group>:<event id>"
		type: { type: String, required: true },
		processed_at: { type: Date, required: true },
	},
	{ versionKey: false, collection: "processed_events" },
);

export function defineProcessedEvents(connection: Connection) {
	return { ProcessedEvent: connection.model("ProcessedEvent", processedEventSchema) };
}
