/**
 * Prometheus metrics served by Kasify's own HTTP listeners (the gateway's `/metrics` and each
 * service's probe listener) instead of the extra port Moleculer's reporter would open.
 */
import { MetricReporters, type ServiceBroker } from "moleculer";

const PrometheusReporter = MetricReporters.Prometheus;
const BaseReporter = MetricReporters.Base;

export class ScrapedPrometheusReporter extends PrometheusReporter {
	// Skip the reporter's own HTTP server; keep everything else.
	override init(registry: unknown): void {
		BaseReporter.prototype.init.call(this, registry as never);
	}

	stop(): Promise<void> {
		return Promise.resolve();
	}

	render(): string {
		return (
			this as unknown as { generatePrometheusResponse(): string }
		).generatePrometheusResponse();
	}
}

/** The metrics of this process in Prometheus text format, or null when metrics are off. */
export function prometheusText(broker: ServiceBroker): string | null {
	const registry = broker.metrics as unknown as { reporter?: unknown[] };
	const reporter = registry.reporter?.find((r) => r instanceof ScrapedPrometheusReporter);
	return reporter ? (reporter as ScrapedPrometheusReporter).render() : null;
}
