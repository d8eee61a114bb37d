/**
 * A small HTTP listener for the probes of processes that do not run the gateway
 * (Kubernetes liveness/readiness, docker compose health checks), on `HEALTH_PORT`:
 *
 * - `GET /health`: 200 while the process runs;
 * - `GET /ready`: 200 once the broker has started, is connected to NATS and every local
 *   service with a database is connected to it; 503 from the moment shutdown begins, so that
 *   no new work is routed here while in-flight work finishes;
 * - `GET /metrics`: this process's Prometheus metrics.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { Service, ServiceBroker } from "moleculer";
import { prometheusText } from "../metrics";

interface ProbeState {
	server: Server | null;
	stopping: boolean;
}

type DatabaseAware = Service & { isDatabaseReady?: () => Promise<boolean> };

async function isReady(broker: ServiceBroker, state: ProbeState): Promise<boolean> {
	if (state.stopping || !broker.started) return false;
	const transit = (broker as unknown as { transit?: { connected: boolean } }).transit;
	if (transit && !transit.connected) return false;
	const services = broker.services as DatabaseAware[];
	const checks = await Promise.all(
		services.map((svc) => (svc.isDatabaseReady ? svc.isDatabaseReady() : true)),
	);
	return checks.every(Boolean);
}

function reply(res: ServerResponse, status: number, body: object): void {
	res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
	res.end(JSON.stringify(body));
}

export function ProbeListenerMiddleware(port: number) {
	const state: ProbeState = { server: null, stopping: false };
	return {
		name: "ProbeListener",

		async started(broker: ServiceBroker) {
			state.server = createServer((req, res) => {
				const path = (req.url ?? "").split("?")[0];
				if (req.method !== "GET") return reply(res, 405, { status: "method not allowed" });
				if (path === "/health") return reply(res, 200, { status: "ok" });
				if (path === "/ready") {
					isReady(broker, state)
						.then((ready) =>
							reply(res, ready ? 200 : 503, {
								status: ready ? "ready" : "unavailable",
							}),
						)
						.catch(() => reply(res, 503, { status: "unavailable" }));
					return;
				}
				if (path === "/metrics") {
					res.writeHead(200, {
						"Content-Type": "text/plain; version=0.0.4; charset=utf-8",
					});
					return void res.end(prometheusText(broker) ?? "");
				}
				reply(res, 404, { status: "not found" });
			});
			await new Promise<void>((resolve, reject) => {
				state.server?.once("error", reject).listen(port, "0.0.0.0", () => resolve());
			});
			broker.logger.info(`Probe listener on port ${port} (/health, /ready, /metrics)`);
		},

		// Runs first when shutdown begins: report not-ready while in-flight work drains.
		stopping() {
			state.stopping = true;
		},

		async stopped() {
			await new Promise<void>((resolve) =>
				state.server ? state.server.close(() => resolve()) : resolve(),
			);
		},
	};
}
