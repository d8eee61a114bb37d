/**
 * Each service as its own process, as its container runs it: moleculer-runner with SERVICES,
 * the compiled code and the Compose environment, against the local NATS, MongoDB and Redis.
 * - the probe listener answers /ready only once the service is connected to its database, and
 *   not while the database is lost; a service whose database never answers exits with an error;
 * - SIGTERM during a request lets the request finish, turns /ready to 503, and the process
 *   exits 0 within its grace period (for a service and for the gateway).
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { config } from "../../shared/config";
import { cleanUp, eventually, newNamespace } from "../helpers/stack";
import { composeFile, dockerfile, rootPath } from "./project";
import {
	Gate,
	containerEnv,
	freePort,
	killAll,
	poll,
	startProcess,
	statusOf,
	type ServiceProcess,
} from "./processes";

jest.setTimeout(180_000);

const run = promisify(execFile);

const namespaces: string[] = [];
const gates: Gate[] = [];
let healthcheckScript: string;

function namespace(label: string): string {
	const ns = newNamespace(`deploy-${label}`);
	namespaces.push(ns);
	return ns;
}

/** MONGO_URL with its single host replaced. */
function mongoUrlVia(host: string, port: number): string {
	const url = new URL(config().mongoUrl);
	url.host = `${host}:${port}`;
	return url.toString();
}

/**
 * Runs the image's health-check script (from the Dockerfile) against a process; its exit code.
 * Asynchronously: the database gate lives in this process and must keep relaying meanwhile.
 */
async function healthcheck(env: Record<string, string>, probePath: string): Promise<number> {
	try {
		await run(process.execPath, [healthcheckScript, probePath], { env, timeout: 10_000 });
		return 0;
	} catch (err) {
		return (err as { code: number }).code;
	}
}

const STARTED = /ServiceBroker with \d+ service\(s\) started successfully/;
const shutdownTimeoutMs = Number(composeFile()["x-kasify-environment"].SHUTDOWN_TIMEOUT_MS);

beforeAll(() => {
	// The processes run the compiled code, as the image does.
	execFileSync(
		process.execPath,
		[rootPath("node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
		{
			cwd: rootPath(),
			stdio: "inherit",
		},
	);
	const script = dockerfile().find((i) => i.heredoc && i.args.includes("healthcheck.js"));
	healthcheckScript = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kasify-")), "hc.js");
	fs.writeFileSync(healthcheckScript, script!.heredoc!);
});

afterAll(async () => {
	await killAll();
	for (const gate of gates) await gate.close();
	for (const ns of namespaces) await cleanUp(ns, ["accounts"]);
});

describe("a domain service's probe listener", () => {
	it("answers /ready only once the service is connected to its database", async () => {
		const db = new URL(config().mongoUrl);
		const gate = new Gate({ host: db.hostname, port: Number(db.port || 27017) });
		gates.push(gate);
		const gatePort = await gate.listen();
		const healthPort = String(await freePort());
		const env = containerEnv("accounts", {
			NAMESPACE: namespace("ready"),
			HEALTH_PORT: healthPort,
			MONGO_URL: mongoUrlVia("127.0.0.1", gatePort),
		});
		const accounts = startProcess(env);
		const ready = poll(`http://127.0.0.1:${healthPort}/ready`);

		// Hold the database while the service connects, for a good number of probes.
		await eventually(async () => (gate.connections > 0 ? true : undefined), 30_000);
		const heldFrom = Date.now();
		await eventually(
			async () => ready.answers.filter((a) => a.at > heldFrom).length >= 10 || undefined,
			15_000,
		);
		const openedAt = Date.now();
		gate.open();
		await eventually(async () => (ready.answers.at(-1)?.status === 200 ? true : undefined));
		await ready.stop();

		const connected = await accounts.waitForLine(/Database '.*_accounts' ready/);
		await accounts.waitForLine(STARTED);
		const firstReady = ready.answers.find((a) => a.status === 200)!;
		expect(ready.answers.filter((a) => a.at < openedAt).map((a) => a.status)).not.toContain(
			200,
		);
		expect(firstReady.at).toBeGreaterThan(openedAt);
		expect(firstReady.at).toBeGreaterThanOrEqual(connected.at);
		expect(await healthcheck(env, "/ready")).toBe(0);

		// The database is lost: not ready (no new work), but alive (no restart).
		gate.cut();
		await eventually(
			async () =>
				(await statusOf(`http://127.0.0.1:${healthPort}/ready`)) === 503 || undefined,
			40_000,
			500,
		);
		expect(await statusOf(`http://127.0.0.1:${healthPort}/health`)).toBe(200);
		expect(await healthcheck(env, "/health")).toBe(0);
		expect(await healthcheck(env, "/ready")).toBe(1);

		accounts.child.kill("SIGTERM");
		expect((await accounts.exited).code).toBe(0);
	});

	it("is never ready while its database is unreachable, and exits with an error", async () => {
		const healthPort = String(await freePort());
		const closedPort = await freePort();
		const accounts = startProcess(
			containerEnv("accounts", {
				NAMESPACE: namespace("nodb"),
				HEALTH_PORT: healthPort,
				MONGO_URL: mongoUrlVia("127.0.0.1", closedPort),
			}),
		);
		const ready = poll(`http://127.0.0.1:${healthPort}/ready`, 250);
		const exit = await accounts.exited;
		await ready.stop();

		expect(exit.code).toBe(1);
		expect(ready.answers.length).toBeGreaterThan(10);
		expect(ready.answers.map((a) => a.status)).not.toContain(200);
		expect(accounts.lines.map((l) => l.text).join("\n")).toMatch(
			/ECONNREFUSED|Server selection/,
		);
	});
});

describe("SIGTERM during a request", () => {
	const ns = namespace("sigterm");
	const slowService = (healthPort: string) =>
		startProcess(
			containerEnv("slow", {
				NAMESPACE: ns,
				SERVICEDIR: "test/deploy/fixtures",
				HEALTH_PORT: healthPort,
			}),
		);
	let gateway: ServiceProcess;
	let base: string;

	/** Waits until the gateway routes to a (new) slow process. */
	async function routed(service: ServiceProcess) {
		await service.waitForLine(STARTED);
		await eventually(
			async () => (await statusOf(`${base}/v1/deploy-test/slow?ms=0`)) === 200 || undefined,
			30_000,
			200,
		);
	}

	/**
	 * Starts a 3 s request and resolves, once `handler` has begun to work on it, with the
	 * pending response (wrapped: an async function would wait for a promise it returns).
	 */
	async function slowRequest(handler: ServiceProcess) {
		const before = handler.lines.length;
		const response = fetch(`${base}/v1/deploy-test/slow?ms=3000`);
		await eventually(async () =>
			handler.lines.slice(before).some((l) => /Slow request started \(3000 ms\)/.test(l.text))
				? true
				: undefined,
		);
		return { response };
	}

	beforeAll(async () => {
		const port = String(await freePort());
		base = `http://127.0.0.1:${port}`;
		gateway = startProcess(containerEnv("api", { NAMESPACE: ns, PORT: port }));
		await gateway.waitForLine(STARTED);
	});

	it("a service finishes the request, reports 503 on /ready and exits 0", async () => {
		const healthPort = String(await freePort());
		const ready = `http://127.0.0.1:${healthPort}/ready`;
		const slow = slowService(healthPort);
		await routed(slow);
		expect(await statusOf(ready)).toBe(200);

		const { response } = await slowRequest(slow);
		const termAt = Date.now();
		slow.child.kill("SIGTERM");
		const notReady = eventually(
			async () => ((await statusOf(ready)) === 503 ? Date.now() : undefined),
			10_000,
			50,
		);
		const res = await response;
		const answeredAt = Date.now();

		// SIGTERM came mid-request; /ready said 503 before the request was answered.
		expect(answeredAt - termAt).toBeGreaterThan(1000);
		expect(await notReady).toBeLessThan(answeredAt);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ slept: 3000 });
		const exit = await slow.exited;
		expect(exit.code).toBe(0);
		expect(exit.at - termAt).toBeLessThan(shutdownTimeoutMs);
	});

	it("the gateway finishes the request it is serving and exits 0", async () => {
		const slow = slowService(String(await freePort()));
		await routed(slow);

		const { response } = await slowRequest(slow);
		const termAt = Date.now();
		gateway.child.kill("SIGTERM");
		const res = await response;
		expect(Date.now() - termAt).toBeGreaterThan(1000);

		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ slept: 3000 });
		const exit = await gateway.exited;
		expect(exit.code).toBe(0);
		expect(exit.at - termAt).toBeLessThan(shutdownTimeoutMs);
		slow.child.kill("SIGTERM");
		expect((await slow.exited).code).toBe(0);
	});
});
