/** The `/v1` route and its unprefixed twin: what moleculer-web does before an action. */
import type { IncomingMessage } from "node:http";
import type { Context } from "moleculer";
import { config } from "../../shared/config";
import { jsonBody } from "./body";
import { businessCors } from "./cors";
import type { ApiService } from "./gateway-types";

/**
 * Request headers an action may need: moleculer-web forwards none. `If-None-Match` lets an
 * operation that sets its own `ETag` (cover files, §1.10) answer 304 without loading the file.
 */
function forwardRequestHeaders(ctx: Context, _route: unknown, req: IncomingMessage) {
	const ifNoneMatch = req.headers["if-none-match"];
	if (req.method === "GET" && ifNoneMatch) {
		(ctx.meta as { ifNoneMatch?: string }).ifNoneMatch = ifNoneMatch;
	}
}

/** Options shared by the `/v1` route and its unprefixed twin. */
export const businessRoute = {
	autoAliases: true,
	mappingPolicy: "restrict",
	authentication: true,
	authorization: true,
	bodyParsers: false,
	mergeParams: true,
	// Defaults for every upload; an action's own `busboyConfig` takes precedence. No
	// `fileSize`: moleculer-web would destroy the file stream with an error before the action,
	// or the transporter carrying the stream to it, listens (an uncaught exception). The body
	// cap (`readMultipartBody`) bounds the file; the action checks its own limit as it reads.
	busboyConfig: { limits: { files: 1, fieldSize: 64 * 1024 } },
	onBeforeCall: forwardRequestHeaders,
	cors: businessCors(config().corsOrigins),
	use: [
		jsonBody((req) => {
			const gateway = req.$service as ApiService;
			const found = gateway.resolveAlias(req.parsedUrl ?? "", req.method ?? "");
			return found !== false && found.alias.type === "multipart";
		}),
	],
	logging: true,
};
