/**
 * Endpoints outside `/v1` (§1.12): liveness, readiness, metrics, the OpenAPI document and the
 * docs page. They bypass authentication; each applies its own rule.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActionSchema, Service } from "moleculer";
import type Redis from "ioredis";
import YAML from "yaml";
import { constantTimeEqual, sha256Hex } from "../../shared/ids";
import { prometheusText } from "../../shared/metrics";
import { OPENAPI_BUCKET } from "./access";
import { bearerOf } from "./credentials";
import { sendDocsAsset, sendDocsPage } from "./docs";
import { buildOpenApi, type RoutedOperation } from "./openapi";
import type { JsonSchema } from "./openapi-schema";
import { readiness } from "./probes";
import type { RateLimiter } from "./rate-limit";
import { ApiError } from "../../shared/errors";
import { VERSION } from "../../shared/version";

export interface InfraService extends Service {
	redis: Redis;
	limiter: RateLimiter;
	openapiDocument: { json: string; etag: string } | null;
	aliases: { method: string; fullPath: string; action?: string; route: { path: string } }[];
	metricsToken: string | null;
	clientIpOf(req: IncomingMessage): string;
	limitOrThrow(req: IncomingMessage, res: ServerResponse, buckets: unknown[]): Promise<void>;
	sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void;
}

type Handler = (
	this: InfraService,
	req: IncomingMessage & { $params?: Record<string, string> },
	res: ServerResponse,
) => Promise<void> | void;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	res.statusCode = status;
	res.setHeader("Content-Type", "application/json; charset=utf-8");
	res.end(JSON.stringify(body));
}

function documentOf(service: InfraService): { json: string; etag: string } {
	if (service.openapiDocument) return service.openapiDocument;
	const actions = new Map<string, ActionSchema>();
	for (const item of service.broker.registry.getActionList({
		skipInternal: true,
		withEndpoints: false,
	})) {
		actions.set(item.name as string, item.action as ActionSchema);
	}
	const operations: RoutedOperation[] = [];
	for (const alias of service.aliases) {
		const action = alias.action ? actions.get(alias.action) : undefined;
		if (alias.route.path === "/v1" && action && alias.method !== "*") {
			operations.push({ method: alias.method, path: alias.fullPath, action });
		}
	}
	const components: Record<string, JsonSchema> = {};
	for (const svc of service.broker.registry.getServiceList({ withActions: false })) {
		Object.assign(
			components,
			(svc.settings as { openapiComponents?: object })?.openapiComponents,
		);
	}
	const json = JSON.stringify(buildOpenApi(operations, components, VERSION));
	service.openapiDocument = { json, etag: `"${sha256Hex(json).slice(0, 32)}"` };
	return service.openapiDocument;
}

const openapi = (format: "json" | "yaml"): Handler =>
	async function (req, res) {
		try {
			await this.limitOrThrow(req, res, [OPENAPI_BUCKET(this.clientIpOf(req))]);
		} catch (err) {
			return this.sendError(req, res, err);
		}
		const doc = documentOf(this);
		res.setHeader("ETag", doc.etag);
		res.setHeader("Cache-Control", "public, max-age=60");
		if (req.headers["if-none-match"] === doc.etag) {
			res.statusCode = 304;
			return void res.end();
		}
		if (format === "json") {
			res.setHeader("Content-Type", "application/json; charset=utf-8");
			return void res.end(doc.json);
		}
		res.setHeader("Content-Type", "application/yaml; charset=utf-8");
		res.end(YAML.stringify(JSON.parse(doc.json)));
	};

export const infraAliases: Record<string, Handler> = {
	"GET /health"(_req, res) {
		sendJson(res, 200, { status: "ok" });
	},

	async "GET /ready"(_req, res) {
		const state = await readiness(this.broker, this.redis);
		sendJson(res, state.status === "ready" ? 200 : 503, state);
	},

	"GET /metrics"(req, res) {
		if (this.metricsToken) {
			const presented = bearerOf(req.headers.authorization);
			if (!presented || !constantTimeEqual(presented, this.metricsToken)) {
				return this.sendError(
					req,
					res,
					new ApiError(401, "INVALID_TOKEN", "A metrics token is required."),
				);
			}
		}
		res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
		res.end(prometheusText(this.broker) ?? "");
	},

	"GET /openapi.json": openapi("json"),
	"GET /openapi.yaml": openapi("yaml"),

	"GET /docs"(_req, res) {
		sendDocsPage(res);
	},

	"GET /docs/:asset"(req, res) {
		if (!sendDocsAsset(res, String(req.$params?.asset ?? ""))) {
			this.sendError(req, res, new ApiError(404, "ROUTE_NOT_FOUND", "No such file."));
		}
	},
};
