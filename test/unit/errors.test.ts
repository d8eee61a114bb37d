import { Errors } from "moleculer";
import { mapError } from "../../services/api/errors";
import { ApiError } from "../../shared/errors";

const sources = (path: string[] = [], query: string[] = []) => ({
	path: new Set(path),
	query: new Set(query),
});

const validation = (fields: string[]) =>
	new Errors.ValidationError(
		"Parameters validation error!",
		"VALIDATION_ERROR",
		fields.map((field) => ({ field, message: `${field} is wrong`, type: "x" })),
	);

describe("mapError", () => {
	it("keeps an ApiError's status, code, message and details", () => {
		const err = new ApiError(409, "BOOKING_OVERLAP", "Overlaps.", [
			{ field: "from", message: "x" },
		]);
		expect(mapError(err, sources())).toMatchObject({
			status: 409,
			code: "BOOKING_OVERLAP",
			message: "Overlaps.",
			details: [{ field: "from", message: "x" }],
			internal: false,
		});
	});

	it("maps body validation to 422, query validation to 400 and path validation to 404", () => {
		expect(mapError(validation(["name"]), sources())).toMatchObject({
			status: 422,
			code: "VALIDATION_FAILED",
			details: [{ field: "name", message: "name is wrong" }],
		});
		expect(mapError(validation(["size"]), sources([], ["size"]))).toMatchObject({
			status: 400,
			code: "INVALID_PARAMETER",
		});
		expect(mapError(validation(["id"]), sources(["id"]))).toMatchObject({
			status: 404,
			code: "NOT_FOUND",
			details: [],
		});
		expect(mapError(validation(["config.api_token"]), sources())).toMatchObject({
			details: [{ field: "config.api_token" }],
		});
	});

	it("maps body-parser failures", () => {
		const parse = Object.assign(new Error("bad"), { type: "entity.parse.failed", status: 400 });
		const large = Object.assign(new Error("big"), { type: "entity.too.large", status: 413 });
		expect(mapError(parse, sources()).code).toBe("MALFORMED_JSON");
		expect(mapError(large, sources())).toMatchObject({
			status: 413,
			code: "PAYLOAD_TOO_LARGE",
		});
	});

	it("maps unavailable services and timeouts", () => {
		const missing = new Errors.ServiceNotFoundError({ action: "x.y" });
		const timeout = new Errors.RequestTimeoutError({ action: "x.y", nodeID: "n" });
		expect(mapError(missing, sources())).toMatchObject({
			status: 503,
			code: "SERVICE_UNAVAILABLE",
		});
		expect(mapError(timeout, sources())).toMatchObject({
			status: 504,
			code: "GATEWAY_TIMEOUT",
		});
	});

	it("hides anything unexpected behind a bare 500", () => {
		const mapped = mapError(new TypeError("secret detail at db.js:42"), sources());
		expect(mapped).toEqual({
			status: 500,
			code: "INTERNAL_ERROR",
			message: "An unexpected error occurred.",
			details: [],
			internal: true,
		});
		const server = new Errors.MoleculerServerError("pool exhausted", 500, "DB_POOL");
		expect(mapError(server, sources()).message).toBe("An unexpected error occurred.");
	});

	it("recognises errors rebuilt from another node by their code and type", () => {
		const remote = Object.assign(new Error("The credential is invalid."), {
			name: "ApiError",
			code: 401,
			type: "INVALID_TOKEN",
			data: { details: [] },
		});
		expect(mapError(remote, sources())).toMatchObject({ status: 401, code: "INVALID_TOKEN" });
	});
});
