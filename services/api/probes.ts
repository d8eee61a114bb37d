/** Liveness and readiness of the gateway and of the system behind it (§1.12). */
import type { ServiceBroker } from "moleculer";
import type Redis from "ioredis";
import { DOMAIN_SERVICES } from "../../shared/system";

export type CheckState = "ok" | "down";

export interface Readiness {
	status: "ready" | "unavailable";
	checks: { nats: CheckState; redis: CheckState; services: CheckState };
}

const PROBE_TIMEOUT_MS = 2000;

async function natsState(broker: ServiceBroker): Promise<CheckState> {
	const transit = (broker as unknown as { transit?: { connected: boolean } }).transit;
	return transit?.connected ? "ok" : "down";
}

async function redisState(redis: Redis): Promise<CheckState> {
	let timer: NodeJS.Timeout | undefined;
	try {
		const answer = await Promise.race([
			redis.ping(),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS);
			}),
		]);
		return answer === "PONG" ? "ok" : "down";
	} catch {
		return "down";
	} finally {
		// A pending timer would keep the process (or a test run) alive for no reason.
		clearTimeout(timer);
	}
}

/** `hasService` exists on the registry but is missing from Moleculer's typings. */
function isRegistered(broker: ServiceBroker, name: string): boolean {
	const registry = broker.registry as unknown as { hasService(name: string): boolean };
	return registry.hasService(name);
}

/** Every domain service answers its `health` action with its database connected. */
async function servicesState(broker: ServiceBroker): Promise<CheckState> {
	const answers = await Promise.all(
		DOMAIN_SERVICES.map((name) =>
			// Not registered yet (still starting) is simply not ready: no call, no warning.
			!isRegistered(broker, name)
				? false
				: broker
						.call<{ status: string }, object>(
							`${name}.health`,
							{},
							{ timeout: PROBE_TIMEOUT_MS, retries: 0 },
						)
						.then((health) => health.status === "ok")
						.catch(() => false),
		),
	);
	return answers.every(Boolean) ? "ok" : "down";
}

export async function readiness(broker: ServiceBroker, redis: Redis): Promise<Readiness> {
	const [nats, redisCheck, services] = await Promise.all([
		natsState(broker),
		redisState(redis),
		servicesState(broker),
	]);
	const checks = { nats, redis: redisCheck, services };
	// From SIGTERM on, the gateway drains its requests: no new ones should be routed to it.
	const stopping = !broker.started;
	const ready = !stopping && Object.values(checks).every((state) => state === "ok");
	return { status: ready ? "ready" : "unavailable", checks };
}
