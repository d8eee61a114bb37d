/** The gateway service's own shape, and what it hangs on a request as it handles it. */
import type { ServerResponse } from "node:http";
import type { ActionSchema, Context } from "moleculer";
import type { Caller } from "../../shared/context";
import type { GatewayRequest } from "./body";
import type { IdempotencyStore } from "./idempotency";
import type { InfraService } from "./infra-routes";
import type { JwtVerifier } from "./jwt";

export type Req = GatewayRequest & {
	$ctx?: Context<unknown, { user?: Caller | null; $responseHeaders?: Record<string, string> }>;
	$action?: ActionSchema;
	$alias?: { keys?: { name: string }[]; type?: string };
	$params?: Record<string, unknown>;
	$idempotency?: { redisKey: string; fingerprint: string };
	$replay?: { status: number; body: unknown; location: string | null };
};

export interface ApiService extends InfraService {
	verifier: JwtVerifier;
	idempotency: IdempotencyStore;
	/** moleculer-web's lookup: `false`, not null, when no alias matches. */
	resolveAlias(
		url: string,
		method: string,
	): { alias: { type?: string; action?: string } } | false;
	/** Actions with `auth: "public"`, refreshed with the aliases. */
	publicActions: Set<string>;
	holdMultipartBody(req: Req, res: ServerResponse): Promise<{ body: Buffer; boundary: string }>;
	finishIdempotency(
		req: Req,
		status: number,
		body: unknown,
		location: string | null,
	): Promise<void>;
}
