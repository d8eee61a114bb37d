/**
 * Log line formatting for every service: the request id on each line, secrets redacted.
 */
import type { LoggerConfig } from "moleculer";
import { inspect } from "node:util";
import { currentRequestId } from "./request-context";

// Credentials that must never reach a log: personal access tokens, JWTs, bearer headers.
const SECRET_PATTERNS: [RegExp, string][] = [
	[/kas_pat_[A-Za-z0-9]+/g, "kas_pat_[REDACTED]"],
	[/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[REDACTED_JWT]"],
	[/(Bearer\s+)[^\s"',]+/gi, "$1[REDACTED]"],
];

export function redact(text: string): string {
	return SECRET_PATTERNS.reduce(
		(out, [pattern, replacement]) => out.replace(pattern, replacement),
		text,
	);
}

function render(arg: unknown): string {
	if (typeof arg === "string") return arg;
	if (arg instanceof Error) return arg.stack ?? `${arg.name}: ${arg.message}`;
	return inspect(arg, { depth: 4, breakLength: Infinity, compact: true });
}

interface Bindings {
	nodeID: string;
	mod: string;
}

function textFormatter(type: string, args: unknown[], bindings: Bindings): string[] {
	const requestId = currentRequestId();
	const prefix = [
		new Date().toISOString(),
		type.toUpperCase().padEnd(5),
		`${bindings.nodeID}/${bindings.mod.toUpperCase()}`,
		requestId ? `[${requestId}]` : "",
	]
		.filter(Boolean)
		.join(" ");
	return [redact(`${prefix}: ${args.map(render).join(" ")}`)];
}

function jsonFormatter(type: string, args: unknown[], bindings: Bindings): string[] {
	const line = {
		time: new Date().toISOString(),
		level: type,
		node: bindings.nodeID,
		module: bindings.mod,
		request_id: currentRequestId(),
		message: args.map(render).join(" "),
	};
	return [redact(JSON.stringify(line))];
}

export function loggerConfig(level: string, format: "text" | "json"): LoggerConfig {
	return {
		type: "Console",
		options: {
			level,
			colors: false,
			moduleColors: false,
			formatter: format === "json" ? jsonFormatter : textFormatter,
		},
	};
}
