/**
 * Broker options shared by `moleculer.config.ts` (one process per service, or all of them) and
 * by the tests, which start several brokers in one process.
 */
import type { BrokerOptions, Middleware, MetricsReporterOptions } from "moleculer";
import { Middleware as ChannelsMiddleware } from "@moleculer/channels";
import { config, type Config } from "./config";
import { loggerConfig } from "./logging";
import { ScrapedPrometheusReporter } from "./metrics";
import {
	DependencyErrorsMiddleware,
	NEVER_HANDLED,
} from "./middlewares/dependency-errors.middleware";
import { ProbeListenerMiddleware } from "./middlewares/probe-listener.middleware";
import { RequestContextMiddleware } from "./middlewares/request-context.middleware";
import { PropertyAccessMiddleware } from "./permissions";
import { paramValidator } from "./validator";

const NANOS_PER_DAY = 86_400 * 1e9;

// The channels typings mark every adapter option as required; the adapter fills defaults.
type ChannelsOptions = Parameters<typeof ChannelsMiddleware>[0];

/** Domain events: @moleculer/channels on NATS JetStream (streams are per event type). */
function channelOptions(cfg: Config) {
	return {
		adapter: {
			type: "NATS",
			options: {
				nats: {
					url: cfg.natsUrl,
					connectionOptions: {},
					streamConfig: {
						max_age: cfg.eventRetentionDays * NANOS_PER_DAY,
						// Copies kept by a NATS cluster; applies to streams created from now on.
						num_replicas: cfg.eventStreamReplicas,
						// JetStream drops a second message with the same event id in this window.
						duplicate_window: 120 * 1e9,
					},
				},
				maxRetries: cfg.eventMaxAttempts,
				deadLettering: { enabled: true, queueName: "DEAD_LETTER" },
			},
		},
		context: false,
	};
}

export function brokerOptions(overrides: Partial<BrokerOptions> = {}): BrokerOptions {
	const cfg = config();
	const namespace = overrides.namespace ?? cfg.namespace;
	return {
		namespace,
		nodeID: cfg.nodeId ?? undefined,
		logger: loggerConfig(cfg.logLevel, cfg.logFormat),
		transporter: { type: "NATS", options: { url: cfg.natsUrl } },
		serializer: "JSON",
		// Streams (uploads, cover files) travel in chunks; JSON can inflate a byte to four
		// characters, and NATS refuses messages over 1 MiB.
		transit: { maxChunkSize: 64 * 1024 },
		cacher: {
			type: "Redis",
			options: {
				prefix: `${namespace}-cache`,
				redis: cfg.redisUrl,
				ttl: 300,
				maxParamsLength: 80,
			},
		},
		requestTimeout: cfg.requestTimeoutMs,
		// Retry only what Moleculer marks retryable (a node that vanished mid-call, for instance).
		retryPolicy: {
			enabled: true,
			retries: 3,
			delay: 100,
			maxDelay: 1000,
			factor: 2,
			// Only calls that never reached a handler: a timed-out call may have done its work,
			// and repeating a create would do it twice.
			check: (err: Error) => NEVER_HANDLED.has((err as Error & { type?: string }).type ?? ""),
		},
		circuitBreaker: { enabled: true, threshold: 0.5, minRequestCount: 20, windowTime: 60 },
		registry: { strategy: "RoundRobin", preferLocal: true },
		validator: paramValidator(),
		metrics: {
			enabled: true,
			// Moleculer accepts a reporter instance; its typings only describe option objects.
			reporter: [new ScrapedPrometheusReporter({}) as unknown as MetricsReporterOptions],
		},
		tracing: cfg.tracingExporter
			? { enabled: true, exporter: { type: cfg.tracingExporter } }
			: { enabled: false },
		// Shutdown waits for in-flight requests (up to the grace period) before stopping.
		tracking: { enabled: true, shutdownTimeout: cfg.shutdownTimeoutMs },
		middlewares: [
			PropertyAccessMiddleware as unknown as Middleware,
			// Before RequestContext, so inside it (later ones wrap earlier ones): its warning
			// then carries the request id.
			DependencyErrorsMiddleware() as unknown as Middleware,
			RequestContextMiddleware as unknown as Middleware,
			...(cfg.healthPort
				? [ProbeListenerMiddleware(cfg.healthPort) as unknown as Middleware]
				: []),
			ChannelsMiddleware(channelOptions(cfg) as ChannelsOptions) as unknown as Middleware,
		],
		...overrides,
	};
}
