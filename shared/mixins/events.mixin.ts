/**
 * Domain events over @moleculer/channels on NATS JetStream, for every service.
 *
 * Producers list what they publish in `settings.publishes`; the streams are created when the
 * service starts, because a publication to a missing stream is lost. Consumers declare
 * channels with `consume()`; each sees the backlog, retries a bounded number of times, then
 * moves the message to a dead-letter stream, and skips event ids it has already handled.
 */
import type { Service } from "moleculer";
import { config } from "../config";
import { isDomainEventType } from "../events/catalogue";
import type { DomainEvent } from "../events/envelope";
import { drainOutbox, staleOutboxIds } from "../events/outbox";
import { runWithRequestId } from "../request-context";
import type { DatabaseService, Models } from "./database.mixin";
import { defineMixin } from "./define-mixin";

/** The part of @moleculer/channels' NATS adapter this mixin relies on. */
interface ChannelAdapter {
	connected: boolean;
	addPrefixTopic(topic: string): string;
	createStream(name: string, subjects: string[], options: object): Promise<unknown>;
}

export interface EventsService extends DatabaseService<Models> {
	publishEvent(event: DomainEvent<unknown>): Promise<void>;
	flushOutbox(modelName: string, id: unknown): Promise<void>;
	handleDomainEvent(
		payload: unknown,
		handler: (this: Service, event: DomainEvent) => Promise<void>,
	): Promise<void>;
	sweepOutboxes(): Promise<void>;
	ensureStreams(): Promise<void>;
	streamsReady?: Promise<void>;
	outboxTimer?: NodeJS.Timeout;
	/** The sweep in progress, so that a slow one is never joined by the next tick's. */
	sweeping?: Promise<void>;
}

export type EventHandler<S extends Service = Service> = (
	this: S,
	event: DomainEvent,
) => Promise<void>;

/** The adapter connects after services start; a stream can only be created once it has. */
async function waitUntilConnected(adapter: ChannelAdapter, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!adapter.connected) {
		if (Date.now() > deadline) throw new Error("The channel adapter did not connect to NATS");
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** Milliseconds an outbox entry may wait before the sweep publishes it. */
const OUTBOX_GRACE_MS = 10_000;
const OUTBOX_SWEEP_MS = 5_000;

/** Channel definition consuming one domain event type, at least once and idempotently. */
export function consume<S extends Service>(handler: EventHandler<S>) {
	const cfg = config();
	return {
		maxRetries: cfg.eventMaxAttempts,
		deadLettering: { enabled: true },
		nats: { consumerOptions: { config: { deliver_policy: "all" } } },
		async handler(this: EventsService, payload: unknown) {
			await this.handleDomainEvent(payload, handler as EventHandler);
		},
	};
}

function isEnvelope(payload: unknown): payload is DomainEvent {
	const event = payload as DomainEvent;
	return typeof event?.id === "string" && typeof event.type === "string" && !!event.data;
}

export const EventsMixin = defineMixin<EventsService>({
	settings: {
		/** Domain event types this service publishes. */
		publishes: [] as string[],
		/** Models whose documents carry an outbox of events to publish. */
		outboxModels: [] as string[],
	},

	methods: {
		/** Creates the stream of every event type this service publishes (idempotent). */
		ensureStreams(this: EventsService): Promise<void> {
			this.streamsReady ??= (async () => {
				const broker = this.broker as unknown as { channelAdapter: ChannelAdapter };
				const adapter = broker.channelAdapter;
				await waitUntilConnected(adapter);
				for (const type of this.settings.publishes as string[]) {
					// A misspelt type would publish into a stream no consumer ever reads.
					if (!isDomainEventType(type)) {
						throw new Error(`'${type}' is not in the domain-event catalogue`);
					}
					const subject = adapter.addPrefixTopic(type);
					await adapter.createStream(subject.split(".").join("_"), [subject], {});
				}
			})().catch((err: unknown) => {
				this.streamsReady = undefined;
				throw err;
			});
			return this.streamsReady;
		},

		async publishEvent(this: EventsService, event: DomainEvent<unknown>) {
			await this.ensureStreams();
			await this.broker.sendToChannel(event.type, event, { msgID: event.id });
			this.logger.debug(`Published ${event.type} ${event.id}`);
		},

		/** Publishes the outbox of one document now; the sweep retries if this fails. */
		async flushOutbox(this: EventsService, modelName: string, id: unknown) {
			try {
				await drainOutbox(this.models[modelName], id, (event) => this.publishEvent(event));
			} catch (err) {
				this.logger.warn(
					`Outbox of ${modelName} ${String(id)} not published yet; will retry`,
					err,
				);
			}
		},

		async handleDomainEvent(this: EventsService, payload: unknown, handler: EventHandler) {
			if (!isEnvelope(payload)) {
				// Retrying cannot fix a malformed message: let it go to the dead-letter stream.
				throw new Error("Malformed domain event envelope");
			}
			const marker = `${this.fullName}:${payload.id}`;
			const { ProcessedEvent } = this.models;
			await runWithRequestId(payload.request_id, async () => {
				if (await ProcessedEvent.exists({ _id: marker })) {
					this.logger.debug(`Skipping ${payload.type} ${payload.id}: already handled`);
					return;
				}
				await handler.call(this, payload);
				await ProcessedEvent.updateOne(
					{ _id: marker },
					{ $setOnInsert: { type: payload.type, processed_at: new Date() } },
					{ upsert: true },
				);
			});
		},

		async sweepOutboxes(this: EventsService) {
			const olderThan = new Date(Date.now() - OUTBOX_GRACE_MS);
			for (const modelName of this.settings.outboxModels as string[]) {
				for (const id of await staleOutboxIds(this.models[modelName], olderThan)) {
					await this.flushOutbox(modelName, id);
				}
			}
		},
	},

	events: {
		// The channel adapter connects only once the broker has started.
		async "$broker.started"(this: EventsService) {
			await this.ensureStreams().catch((err: unknown) =>
				this.logger.error("Could not create the event streams; will retry on publish", err),
			);
		},
	},

	async started(this: EventsService) {
		if ((this.settings.outboxModels as string[]).length > 0) {
			this.outboxTimer = setInterval(() => {
				// A sweep slower than the interval (a large collection on FerretDB) must not
				// pile up: overlapping sweeps only multiply the load that made it slow.
				if (this.sweeping) return;
				this.sweeping = this.sweepOutboxes()
					.catch((err: unknown) => this.logger.warn("Outbox sweep failed", err))
					.finally(() => {
						this.sweeping = undefined;
					});
			}, OUTBOX_SWEEP_MS);
			this.outboxTimer.unref();
		}
	},

	async stopped(this: EventsService) {
		if (this.outboxTimer) clearInterval(this.outboxTimer);
		await this.sweeping;
	},
});
