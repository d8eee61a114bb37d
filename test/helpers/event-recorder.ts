/** A test-only service that consumes domain events and keeps what it received. */
import type { ServiceSchema } from "moleculer";
import type { DomainEvent } from "../../shared/events/envelope";
import { consume } from "../../shared/mixins/events.mixin";
import { domainServiceMixins } from "../../shared/mixins/domain-service";

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
