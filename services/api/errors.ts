/**
 * Turns anything thrown while serving a request into the documented error envelope (§1.7).
 * Client errors keep their code and message; anything unexpected becomes a bare 500 whose
 * message reveals nothing internal.
 */
import { Errors } from "moleculer";
import type { ErrorDetail } from "../../shared/errors";

export interface ErrorEnvelope {
	error: {
		code: string;
		message: string;
		status: number;
		details: ErrorDetail[];
		request_id: string;
	};
}

export interface MappedError {
	status: number;
	code: string;
	message: string;
	details: ErrorDetail[];
	/** True when the failure is ours, not the client's: worth an error log line. */
	internal: boolean;
}

/** Where a parameter came from, to tell a bad query (400) from a bad body (422). */
export interface ParameterSources {
	path: Set<string>;
	query: Set<string>;
}

interface ValidationItem {
	field?: string;
	message?: string;
}

const mapped = (status: number, code: string, message: string, details: ErrorDetail[] = []) => ({
	status,
	code,
	message,
	details,
	internal: status >= 500,
});

const GENERIC_MESSAGES: Record<number, [string, string]> = {
	400: ["INVALID_PARAMETER", "A request parameter is invalid."],
	401: ["INVALID_TOKEN", "The credential is invalid."],
	403: ["FORBIDDEN", "This operation is not allowed."],
	404: ["NOT_FOUND", "The resource does not exist."],
	409: ["CONFLICT", "The request conflicts with the current state."],
	413: ["PAYLOAD_TOO_LARGE", "The request body is too large."],
	415: ["UNSUPPORTED_MEDIA_TYPE", "The content type is not supported."],
	422: ["VALIDATION_FAILED", "The request body is invalid."],
	429: ["RATE_LIMITED", "Too many requests."],
};

function fromValidation(items: ValidationItem[], sources: ParameterSources): MappedError {
	const rootOf = (field: string) => field.split(/[.[]/)[0];
	const fields = items.map((item) => item.field ?? "");
	if (fields.some((field) => sources.path.has(rootOf(field)))) {
		// A malformed id in the path is an unknown resource, never a 400 (§1.1).
		return mapped(404, "NOT_FOUND", "The resource does not exist.");
	}
	const details = items.map((item) => ({
		field: item.field ?? null,
		message: item.message ?? "Invalid value.",
	}));
	if (fields.some((field) => sources.query.has(rootOf(field)))) {
		const queryDetails = details.filter((d) => d.field && sources.query.has(rootOf(d.field)));
		return mapped(400, "INVALID_PARAMETER", "A query parameter is invalid.", queryDetails);
	}
	return mapped(422, "VALIDATION_FAILED", "The request body is invalid.", details);
}

/** Errors raised by body-parser carry a `type` of their own and an HTTP `status`. */
function fromBodyParser(err: { type?: string; status?: number }): MappedError | null {
	switch (err.type) {
		case "entity.parse.failed":
			return mapped(400, "MALFORMED_JSON", "The body is not valid JSON.");
		case "entity.too.large":
			return mapped(413, "PAYLOAD_TOO_LARGE", "The request body is too large.");
		case "encoding.unsupported":
		case "charset.unsupported":
			return mapped(415, "UNSUPPORTED_MEDIA_TYPE", "The body encoding is not supported.");
		case "request.aborted":
		case "request.size.invalid":
			return mapped(400, "MALFORMED_JSON", "The body could not be read.");
		default:
			return null;
	}
}

interface ServiceError {
	name: string;
	message: string;
	code: number;
	type: string;
	data?: unknown;
}

function isServiceError(err: unknown): err is ServiceError {
	if (err instanceof Errors.MoleculerError) return true;
	if (!(err instanceof Error)) return false;
	const candidate = err as Error & Partial<ServiceError>;
	return typeof candidate.code === "number" && typeof candidate.type === "string";
}

export function mapError(err: unknown, sources: ParameterSources): MappedError {
	const bodyError = fromBodyParser(err as { type?: string });
	if (bodyError) return bodyError;

	// Errors from other nodes arrive rebuilt by Moleculer, not always as MoleculerError
	// instances: what counts is their numeric `code` and string `type`.
	if (!isServiceError(err)) {
		return mapped(500, "INTERNAL_ERROR", "An unexpected error occurred.");
	}
	const { code: status, type } = err;
	const data = err.data as { details?: ErrorDetail[] } | ValidationItem[] | undefined;

	if (type === "VALIDATION_ERROR" && Array.isArray(data)) return fromValidation(data, sources);
	if (err.name === "ApiError") {
		const details = (data as { details?: ErrorDetail[] })?.details ?? [];
		return mapped(status, type, err.message, details);
	}

	switch (type) {
		case "NOT_FOUND": // moleculer-web: no route matched
			return mapped(404, "ROUTE_NOT_FOUND", "No operation exists at this path.");
		case "SERVICE_NOT_FOUND":
		case "SERVICE_NOT_AVAILABLE":
		case "SERVICE_UNAVAILABLE":
		case "BAD_GATEWAY":
		case "CIRCUIT_BREAKER_OPEN":
		case "QUEUE_FULL":
			return mapped(503, "SERVICE_UNAVAILABLE", "A service is temporarily unavailable.");
		case "REQUEST_TIMEOUT":
			return mapped(504, "GATEWAY_TIMEOUT", "A service did not answer in time.");
	}

	if (status >= 400 && status < 500) {
		const [code, message] = GENERIC_MESSAGES[status] ?? [
			"BAD_REQUEST",
			"The request is invalid.",
		];
		return mapped(status, code, message);
	}
	return mapped(500, "INTERNAL_ERROR", "An unexpected error occurred.");
}

export function envelope(error: MappedError, requestId: string): ErrorEnvelope {
	return {
		error: {
			code: error.code,
			message: error.message,
			status: error.status,
			details: error.details,
			request_id: requestId,
		},
	};
}
