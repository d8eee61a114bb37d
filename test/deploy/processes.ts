/**
 * Runs services as separate processes, the way their containers do (moleculer-runner with
 * SERVICES and SERVICEDIR, the compiled config, the Compose environment), and a TCP gate that
 * stands between a process and its database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import readline from "node:readline";
import { config } from "../../shared/config";
import { composeFile, rootPath } from "./project";

const RUNNER = rootPath("node_modules/moleculer/bin/moleculer-runner.js");

export interface Line {
	at: number;
	text: string;
}

export interface Exit {
	code: number | null;
	signal: NodeJS.Signals | null;
	at: number;
}

export interface ServiceProcess {
	child: ChildProcess;
	lines: Line[];
	exited: Promise<Exit>;
	/** The first output line matching `pattern`, waiting for it when it has not come yet. */
	waitForLine(pattern: RegExp, timeoutMs?: number): Promise<Line>;
}

const running = new Set<ChildProcess>();

/** Starts moleculer-runner with exactly this environment (nothing inherited). */
export function startProcess(env: Record<string, string>): ServiceProcess {
	const child = spawn(process.execPath, [RUNNER, "--config", "dist/moleculer.config.js"], {
		cwd: rootPath(),
		env,
		stdio: ["ignore", "pipe", "pipe"],
	});
	running.add(child);
	const lines: Line[] = [];
	const waiters = new Set<() => void>();
	for (const stream of [child.stdout!, child.stderr!]) {
		readline.createInterface({ input: stream }).on("line", (text) => {
			lines.push({ at: Date.now(), text });
			for (const wake of waiters) wake();
		});
	}
	const exited = new Promise<Exit>((resolve) =>
		child.on("exit", (code, signal) => {
			running.delete(child);
			resolve({ code, signal, at: Date.now() });
		}),
	);

	const waitForLine = (pattern: RegExp, timeoutMs = 30_000) =>
		new Promise<Line>((resolve, reject) => {
			const check = () => {
				const line = lines.find((l) => pattern.test(l.text));
				if (!line) return;
				clearTimeout(timer);
				waiters.delete(check);
				resolve(line);
			};
			const timer = setTimeout(() => {
				waiters.delete(check);
				const tail = lines.slice(-20).map((l) => l.text);
				reject(new Error(`No line ${pattern} within ${timeoutMs} ms:\n${tail.join("\n")}`));
			}, timeoutMs);
			waiters.add(check);
			check();
		});

	return { child, lines, exited, waitForLine };
}

/** Kills every process started here that is still running (test clean-up). */
export async function killAll(): Promise<void> {
	const left = [...running];
	const gone = left.map((child) => new Promise((resolve) => child.once("exit", resolve)));
	for (const child of left) child.kill("SIGKILL");
	await Promise.all(gone);
}

export async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** GET a local URL: its status, or "no answer" (refused, reset or timed out). */
export async function statusOf(url: string, timeoutMs = 15_000): Promise<number | "no answer"> {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
		await res.arrayBuffer();
		return res.status;
	} catch {
		return "no answer";
	}
}

export interface Answer {
	at: number;
	status: number | "no answer";
}

/** Asks `url` again and again (one request at a time) until stopped; keeps every answer. */
export function poll(url: string, intervalMs = 100) {
	const answers: Answer[] = [];
	let stopped = false;
	const done = (async () => {
		while (!stopped) {
			const status = await statusOf(url);
			answers.push({ at: Date.now(), status });
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	})();
	return {
		answers,
		async stop() {
			stopped = true;
			await done;
		},
	};
}

/**
 * A TCP gate in front of a server (the database): "held" accepts connections but passes
 * nothing until opened; "open" relays; "cut" drops every connection and refuses new ones.
 */
export class Gate {
	state: "held" | "open" | "cut" = "held";
	connections = 0;
	private readonly sockets = new Set<net.Socket>();
	private waiting: (() => void)[] = [];
	private readonly server = net.createServer((client) => this.accept(client));

	constructor(private readonly target: { host: string; port: number }) {}

	async listen(): Promise<number> {
		await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
		return (this.server.address() as net.AddressInfo).port;
	}

	open(): void {
		this.state = "open";
		for (const relay of this.waiting.splice(0)) relay();
	}

	cut(): void {
		this.state = "cut";
		this.waiting = [];
		for (const socket of this.sockets) socket.destroy();
	}

	async close(): Promise<void> {
		this.cut();
		await new Promise((resolve) => this.server.close(resolve));
	}

	private accept(client: net.Socket): void {
		this.connections++;
		this.track(client);
		if (this.state === "cut") return void client.destroy();
		const relay = () => {
			const upstream = this.track(net.connect(this.target));
			client.pipe(upstream).pipe(client);
			client.on("close", () => upstream.destroy());
			upstream.on("close", () => client.destroy());
		};
		if (this.state === "open") return relay();
		client.pause();
		this.waiting.push(relay);
	}

	private track(socket: net.Socket): net.Socket {
		this.sockets.add(socket);
		socket.on("error", () => socket.destroy());
		socket.on("close", () => this.sockets.delete(socket));
		return socket;
	}
}

/** The environment of a container of `service`: Compose's values, this machine's servers. */
export function containerEnv(
	service: string,
	extra: Record<string, string>,
): Record<string, string> {
	const cfg = config();
	return {
		...composeFile()["x-kasify-environment"],
		SERVICES: service,
		SERVICEDIR: "dist/services",
		NATS_URL: cfg.natsUrl,
		REDIS_URL: cfg.redisUrl,
		MONGO_URL: cfg.mongoUrl,
		LOG_FORMAT: "text",
		LOG_LEVEL: "info",
		...extra,
	};
}
