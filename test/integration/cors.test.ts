/**
 * CORS (§1.10): business operations answer the origins of CORS_ORIGINS, with credentials;
 * public operations answer any origin for GET and POST, without credentials. An origin that
 * is not allowed gets an answer without CORS headers, which the browser keeps from the page.
 * A preflight never runs the operation it asks about.
 */
import { overrideEnv } from "../helpers/env";
import type { Stack } from "../helpers/stack";
import type { TaskWorld } from "./tasks-fixtures";

const APP = "https://app.example.es";
const STRANGER = "https://elsewhere.example.com";

let restoreEnv: () => void;
let stack: Stack;
let w: TaskWorld;
let task: { id: string; public_token: string };

beforeAll(async () => {
	// Before the gateway's module is loaded: it reads its CORS policy when it is.
	restoreEnv = overrideEnv({ CORS_ORIGINS: APP });
	const { addWorld, createTask, startTasksStack } = await import("./tasks-fixtures");
	let http;
	({ stack, http } = await startTasksStack("cors"));
	w = await addWorld(stack, http, "cors");
	task = await createTask(w);
});
afterAll(async () => {
	await stack?.stop();
	restoreEnv?.();
});

const send = (method: string, path: string, headers: Record<string, string>) =>
	fetch(stack.url + path, { method, headers });

const preflight = (path: string, origin: string, method: string, requestHeaders?: string) =>
	send("OPTIONS", path, {
		origin,
		"access-control-request-method": method,
		...(requestHeaders ? { "access-control-request-headers": requestHeaders } : {}),
	});

describe("business operations", () => {
	it("answer a configured origin with credentials", async () => {
		const res = await send("GET", "/v1/tasks", {
			origin: APP,
			authorization: `Bearer ${w.owner.token}`,
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("access-control-allow-origin")).toBe(APP);
		expect(res.headers.get("access-control-allow-credentials")).toBe("true");
		expect(res.headers.get("vary")).toContain("Origin");
		expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
	});

	it("give another origin no CORS headers", async () => {
		const res = await send("GET", "/v1/tasks", {
			origin: STRANGER,
			authorization: `Bearer ${w.owner.token}`,
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("access-control-allow-origin")).toBeNull();
		expect(res.headers.get("access-control-allow-credentials")).toBeNull();
	});

	it("answer a preflight from a configured origin, and not from another", async () => {
		const path = `/v1/tasks/${task.id}`;
		const allowed = await preflight(path, APP, "PATCH", "authorization,content-type");
		expect(allowed.status).toBe(204);
		expect(allowed.headers.get("access-control-allow-origin")).toBe(APP);
		expect(allowed.headers.get("access-control-allow-methods")).toContain("PATCH");
		expect(allowed.headers.get("access-control-allow-headers")).toContain("Authorization");

		const refused = await preflight(path, STRANGER, "PATCH", "authorization");
		expect(refused.status).toBe(204);
		expect(refused.headers.get("access-control-allow-origin")).toBeNull();
	});
});

describe("public operations", () => {
	it("answer any origin without credentials, errors included", async () => {
		for (const prefix of ["/v1", ""]) {
			const res = await send("GET", `${prefix}/tasks/public/${task.public_token}`, {
				origin: STRANGER,
			});
			expect(res.status).toBe(200);
			expect(res.headers.get("access-control-allow-origin")).toBe("*");
			expect(res.headers.get("access-control-allow-credentials")).toBeNull();
		}
		const wrong = await send("GET", `/v1/tasks/public/${"0".repeat(26)}`, { origin: STRANGER });
		expect(wrong.status).toBe(404);
		expect(wrong.headers.get("access-control-allow-origin")).toBe("*");
	});

	it("allow GET and POST in a preflight, which starts nothing", async () => {
		const res = await preflight(
			`/v1/tasks/public/${task.public_token}/start`,
			STRANGER,
			"POST",
			"content-type",
		);
		expect(res.status).toBe(204);
		expect(res.headers.get("access-control-allow-origin")).toBe("*");
		expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
		expect(res.headers.get("access-control-allow-headers")).not.toContain("Authorization");

		const now = await send("GET", `/v1/tasks/${task.id}`, {
			authorization: `Bearer ${w.owner.token}`,
		});
		expect(((await now.json()) as { status: string }).status).toBe("pending");
	});
});
