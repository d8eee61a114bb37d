/** A test-only service that consumes domain events and keeps what it received. */
import type { ServiceSchema } from "moleculer";
import type { DomainEvent } from "../../shared/events/envelope";
import { consume } from "../../shared/mixins/events.mixin";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { eventually } from "./stack";

export function eventRecorder(name: string, types: string[]) {
	const received: DomainEvent<any>[] = [];
	const service: ServiceSchema = {
		name,
		mixins: domainServiceMixins(() => ({})),
		channels: Object.fromEntries(
			types.map((type) => [type, consume(async (event) => void received.push(event))]),
		),
	};
	return { service, received };
}

/**
 * Resolves once the consumer service has handled the event (its processed-events record
 * exists): the only way to know that a reaction which changes nothing has happened.
 */
export async function handledBy(service: any, eventId: string): Promise<void> {
	const escaped = eventId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
	await eventually(async () =>
		(await service.models.ProcessedEvent.countDocuments({ _id: { $regex: `:${escaped}$` } })) >
		0
			? true
			: undefined,
	);
}
