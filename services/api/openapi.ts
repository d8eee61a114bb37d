/**
 * The OpenAPI 3.0 document, generated from the gateway's `/v1` aliases and the parameter rules
 * and `openapi` metadata of the actions they point to. Response schemas are components that
 * each service publishes in `settings.openapiComponents`.
 */
import type { ActionSchema } from "moleculer";
import {
	isRequired,
	objectSchema,
	toJsonSchema,
	type JsonSchema,
	type Rule,
} from "./openapi-schema";

export interface RoutedOperation {
	method: string;
	/** moleculer-web path, e.g. `/v1/account/tokens/:id`. */
	path: string;
	action: ActionSchema;
}

const ERROR_STATUSES: Record<number, string> = {
	400: "Malformed request or invalid parameter",
	401: "Missing, invalid or expired credential",
	403: "Not allowed for this caller",
	404: "Unknown resource",
	409: "Conflict with the current state",
	413: "Body too large",
	415: "Unsupported content type",
	422: "Body failed validation",
	429: "Rate limit exceeded",
	500: "Unexpected error",
	503: "A service is unavailable",
	504: "A service did not answer in time",
};

const ERROR_SCHEMA: JsonSchema = {
	type: "object",
	required: ["error"],
	properties: {
		error: {
			type: "object",
			required: ["code", "message", "status", "details", "request_id"],
			properties: {
				code: { type: "string", example: "VALIDATION_FAILED" },
				message: { type: "string" },
				status: { type: "integer" },
				details: {
					type: "array",
					items: {
						type: "object",
						required: ["field", "message"],
						properties: {
							field: { type: "string", nullable: true },
							message: { type: "string" },
						},
					},
				},
				request_id: { type: "string" },
			},
		},
	},
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** "Account", "array:ApiToken" or "page:User:users" → the response body schema. */
function responseSchema(spec: string): JsonSchema {
	const [kind, name, plural] = spec.split(":");
	if (kind === "array") return { type: "array", items: ref(name) };
	if (kind === "page") {
		return {
			type: "object",
			required: [plural, "page", "size", "total"],
			properties: {
				[plural]: { type: "array", items: ref(name) },
				page: { type: "integer" },
				size: { type: "integer" },
				total: { type: "integer" },
			},
		};
	}
	return ref(spec);
}

function operationOf(op: RoutedOperation): { path: string; operation: JsonSchema } {
	const pathParams = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
	const path = op.path.replace(/:(\w+)/g, "{$1}");
	const meta = op.action.openapi;
	const params = (op.action.params ?? {}) as Record<string, Rule | string>;
	const inQuery = op.method === "GET" || op.method === "DELETE";

	const parameters: JsonSchema[] = pathParams.map((name) => ({
		name,
		in: "path",
		required: true,
		schema: params[name] ? toJsonSchema(params[name]) : { type: "string" },
	}));
	const bodyProps: Record<string, Rule | string> = {};
	for (const [name, rule] of Object.entries(params)) {
		if (pathParams.includes(name) || name.startsWith("$$")) continue;
		if (inQuery) {
			parameters.push({
				name,
				in: "query",
				required: isRequired(rule),
				schema: toJsonSchema(rule),
			});
		} else {
			bodyProps[name] = rule;
		}
	}

	const status = String(meta?.status ?? 200);
	const success: JsonSchema =
		status === "204"
			? { description: "No content" }
			: {
					description: "Success",
					content: {
						"application/json": {
							schema: meta?.response ? responseSchema(meta.response) : {},
						},
					},
				};
	const isPublic = op.action.auth === "public";
	const errorCodes = new Set<number>([400, 500, 503, 504, ...(meta?.errors ?? [])]);
	if (!isPublic) [401, 403].forEach((code) => errorCodes.add(code));
	if (!inQuery) [413, 415, 422].forEach((code) => errorCodes.add(code));
	if (isPublic && op.action.rateLimit) errorCodes.add(429);

	const responses: JsonSchema = { [status]: success };
	for (const code of [...errorCodes].sort()) {
		responses[String(code)] = { $ref: `#/components/responses/Error${code}` };
	}

	const operation: JsonSchema = {
		operationId: String(op.action.name).replace(/\./g, "_"),
		summary: meta?.summary ?? op.action.name,
		tags: meta?.tags ?? [],
		parameters,
		responses,
	};
	if (meta?.description) operation.description = meta.description;
	if (isPublic) operation.security = [];
	if (!inQuery && Object.keys(bodyProps).length > 0) {
		operation.requestBody = {
			required: Object.values(bodyProps).some(isRequired),
			content: { "application/json": { schema: objectSchema(bodyProps) } },
		};
	}
	return { path, operation };
}

export function buildOpenApi(
	operations: RoutedOperation[],
	components: Record<string, JsonSchema>,
	version: string,
): JsonSchema {
	const paths: Record<string, Record<string, JsonSchema>> = {};
	const sorted = [...operations].sort((a, b) => a.path.localeCompare(b.path));
	for (const op of sorted) {
		const { path, operation } = operationOf(op);
		paths[path] ??= {};
		paths[path][op.method.toLowerCase()] = operation;
	}
	const responses: Record<string, JsonSchema> = {};
	for (const [code, description] of Object.entries(ERROR_STATUSES)) {
		responses[`Error${code}`] = {
			description,
			content: { "application/json": { schema: ref("Error") } },
		};
	}
	return {
		openapi: "3.0.3",
		info: {
			title: "Kasify API",
			version,
			description:
				"Properties, bookings, guest check-in, smart locks, crew and tasks for " +
				"short-term-rental hosts in Spain. " +
				"Every operation also answers without the /v1 prefix.",
		},
		servers: [{ url: "/" }],
		security: [{ bearerAuth: [] }],
		paths,
		components: {
			securitySchemes: {
				bearerAuth: {
					type: "http",
					scheme: "bearer",
					description:
						"A JWT from the identity provider or a personal access token (kas_pat_…).",
				},
			},
			schemas: { Error: ERROR_SCHEMA, ...components },
			responses,
		},
	};
}
