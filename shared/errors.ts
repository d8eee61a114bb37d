/**
 * Errors that reach clients. `type` is the stable machine code of the spec's catalogue,
 * `code` the HTTP status; the gateway turns them into the documented envelope.
 */
import { Errors } from "moleculer";

export interface ErrorDetail {
	/** JSON path into the body, or the name of a query, path or header parameter. */
	field: string | null;
	message: string;
}

export class ApiError extends Errors.MoleculerClientError {
	constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
		super(message, status, code, { details });
		this.name = "ApiError";
	}
}

export const notFound = (what = "resource"): ApiError =>
	new ApiError(404, "NOT_FOUND", `The ${what} does not exist.`);

export const forbidden = (message = "Your role does not allow this operation."): ApiError =>
	new ApiError(403, "FORBIDDEN", message);

export const conflict = (code: string, message: string): ApiError =>
	new ApiError(409, code, message);

export const validationFailed = (details: ErrorDetail[]): ApiError =>
	new ApiError(422, "VALIDATION_FAILED", "The request body is invalid.", details);

export const invalidParameter = (field: string, message: string): ApiError =>
	new ApiError(400, "INVALID_PARAMETER", "A request parameter is invalid.", [{ field, message }]);
