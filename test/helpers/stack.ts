/**
 * Starts the gateway and the requested services as separate brokers talking over the real
 * NATS transporter, with their real databases and Redis, isolated by a namespace of their own.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { ServiceBroker, type ServiceSchema as BaseSchema } from "moleculer";
import mongoose from "mongoose";
import { connect } from "nats";
import { brokerOptions } from "../../shared/broker-options";
import { config } from "../../shared/config";
import { loggerConfig } from "../../shared/logging";
import { databaseName } from "../../shared/mixins/database.mixin";

// Services type their own `this`; the harness only starts them.

type ServiceSchema = BaseSchema<any, any>;

export interface Stack {
	url: string;
	namespace: string;
	gateway: ServiceBroker;
	brokers: Map<string, ServiceBroker>;
	/** Starts one more service (or a test-only schema) on a broker of its own. */
	startService(schema: ServiceSchema, nodeName?: string): Promise<ServiceBroker>;
	stopService(name: string): Promise<void>;
	/** Starts another gateway replica and returns its URL. */
	startGateway(): Promise<string>;
	stop(): Promise<void>;
}

export const newNamespace = (label: string) => `t-${label}-${randomBytes(4).toString("hex")}`;

export interface StackOptions {
	/** Write debug logs to the console (tests that read log lines spy on it). */
	logs?: boolean;
}

function makeBroker(namespace: string, nodeName: string, options: StackOptions): ServiceBroker {
	const quiet = !options.logs && !process.env.TEST_LOG_LEVEL;
	return new ServiceBroker(
		brokerOptions({
			namespace,
			nodeID: `${nodeName}-${randomBytes(3).toString("hex")}`,
			...(quiet ? { logger: false } : {}),
			...(options.logs ? { logger: loggerConfig("debug", "text") } : {}),
			skipProcessEventRegistration: true,
		}),
	);
}

/**
 * Waits until the gateway routes every action with a `rest` definition that the registry
 * knows: it rebuilds its aliases shortly after it sees a service, not at once.
 */
async function routesReady(broker: ServiceBroker, gateway: unknown): Promise<void> {
	const routed = () =>
		new Set(
			((gateway as { aliases?: { action?: string }[] }).aliases ?? []).map((a) => a.action),
		);
	await eventually(
		async () => {
			const actions = broker.registry
				.getActionList({ skipInternal: true, withEndpoints: false })
				.filter((item) => (item.action as { rest?: unknown })?.rest)
				.map((item) => item.name as string)
				.filter((name) => !name.startsWith("api."));
			const known = routed();
			return actions.every((name) => known.has(name)) ? true : undefined;
		},
		15_000,
		50,
	);
}

export async function startStack(
	label: string,
	services: ServiceSchema[],
	options: StackOptions = {},
): Promise<Stack> {
	const namespace = newNamespace(label);
	const brokers = new Map<string, ServiceBroker>();

	// Set once the gateway runs: a service started later is routed before startService returns.
	let gatewayReady: (() => Promise<void>) | null = null;
	const startService = async (schema: ServiceSchema, nodeName = schema.name) => {
		const broker = makeBroker(namespace, nodeName, options);
		broker.createService(schema);
		await broker.start();
		brokers.set(schema.name, broker);
		await gatewayReady?.();
		return broker;
	};

	for (const schema of services) await startService(schema);

	const extraGateways: ServiceBroker[] = [];
	const startGateway = async () => {
		const broker = makeBroker(namespace, "api", options);
		const api = require("../../services/api/api.service") as ServiceSchema;
		const service = broker.createService({
			name: "api",
			mixins: [api],
			settings: { port: 0, ip: "127.0.0.1" },
		});
		await broker.start();
		await broker.waitForServices(services.map((s) => s.name));
		await routesReady(broker, service);
		const server = (service as unknown as { server: { address(): AddressInfo } }).server;
		return { broker, url: `http://127.0.0.1:${server.address().port}` };
	};
	const { broker: gateway, url } = await startGateway();
	gatewayReady = async () => {
		await gateway.waitForServices(
			[...brokers.keys()].filter((name) => !name.startsWith("$")),
			15_000,
		);
		await routesReady(gateway, gateway.getLocalService("api"));
	};

	const stop = async () => {
		for (const broker of extraGateways) await broker.stop();
		await gateway.stop();
		for (const broker of brokers.values()) await broker.stop();
		await cleanUp(
			namespace,
			services.map((s) => s.name),
		);
	};

	return {
		url,
		namespace,
		gateway,
		brokers,
		startService,
		async stopService(name: string) {
			await brokers.get(name)?.stop();
			brokers.delete(name);
		},
		async startGateway() {
			const replica = await startGateway();
			extraGateways.push(replica.broker);
			return replica.url;
		},
		stop,
	};
}

/** Drops the run's databases and JetStream streams so that test runs do not pile up. */
export async function cleanUp(namespace: string, serviceNames: string[]): Promise<void> {
	const cfg = config();
	const connection = await mongoose.createConnection(cfg.mongoUrl).asPromise();
	try {
		for (const name of serviceNames) {
			await connection.useDb(databaseName(namespace, name)).dropDatabase();
		}
	} finally {
		await connection.close();
	}
	const nc = await connect({ servers: cfg.natsUrl });
	try {
		const jsm = await nc.jetstreamManager();
		const prefix = `${namespace}_`.replace(/\./g, "_");
		for await (const stream of jsm.streams.list()) {
			if (stream.config.name.startsWith(prefix)) await jsm.streams.delete(stream.config.name);
		}
	} finally {
		await nc.close();
	}
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
	check: () => Promise<T | undefined>,
	timeoutMs = 10_000,
	intervalMs = 100,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (err) {
			lastError = err;
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`Condition not met within ${timeoutMs} ms${lastError ? `: ${lastError}` : ""}`);
}
