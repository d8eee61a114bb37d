/**
 * The HTTP gateway: routes every operation under `/v1` and at its unprefixed path,
 * authenticates, applies rate limits and idempotency, and answers every failure in the
 * documented error envelope.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import Redis from "ioredis";
import { config } from "../../shared/config";
import type { Caller } from "../../shared/context";
import { ApiError } from "../../shared/errors";
import { runWithRequestId } from "../../shared/request-context";
import { keyFrom } from "../../shared/secrets";
import { authMode, bucketsFor, checkAccess } from "./access";
import { missingFileError, multipartBoundary, pipeFromBuffer, readMultipartBody } from "./body";
import { clientIp } from "./client-ip";
import { corsFor, publicActionNames, routedMethod, type RouteWithCors } from "./cors";
import { bearerOf, resolveCaller, unauthenticated } from "./credentials";
import { fingerprint, IdempotencyStore, validateKey } from "./idempotency";
import { infraAliases } from "./infra-routes";
import { JwtVerifier } from "./jwt";
import { enforceLimits, RateLimiter, type Bucket } from "./rate-limit";
import { requestIdOf } from "./request-id";
import { applySecurityHeaders } from "./http-headers";
import { businessRoute } from "./business-route";
import type { ApiService, Req } from "./gateway-types";
import { answeredNotModified, errorAnswer, writeJson, writeReplay } from "./responses";

const cfg = config();
const base = ApiGateway.methods as Record<string, (...args: unknown[]) => unknown>;

const api: ServiceSchema<ServiceSettingSchema, ApiService> = {
	name: "api",
	mixins: [ApiGateway],

	settings: {
		port: cfg.port,
		ip: "0.0.0.0",
		// Time allowed to receive a whole request; slow clients get dropped.
		requestTimeout: cfg.requestTimeoutMs,
		optimizeOrder: true,
		logRequest: "debug",
		logResponse: "debug",
		// Request params can carry emails, tokens and guest data: never logged.
		logRequestParams: null,
		logResponseData: null,
		log4XXResponses: false,
		routes: [
			{
				name: "infra",
				path: "/",
				aliases: infraAliases,
				mappingPolicy: "restrict",
				bodyParsers: false,
			},
			{ name: "v1", path: "/v1", ...businessRoute },
			{ name: "unprefixed", path: "/", ...businessRoute },
		],
		onError(this: ApiService, req: IncomingMessage, res: ServerResponse, err: unknown) {
			this.sendError(req, res, err);
		},
	},

	actions: {
		// moleculer-web's own actions are not part of the API.
		listAliases: false,
		addRoute: false,
		removeRoute: false,
	},

	methods: {
		/** Aliases follow the registry; the OpenAPI document follows the aliases. */
		regenerateAutoAliases(this: ApiService, route: unknown) {
			base.regenerateAutoAliases.call(this, route);
			this.openapiDocument = null;
			this.publicActions = publicActionNames(this.broker);
		},

		/** Public operations answer any origin; an origin not allowed gets no headers (cors.ts). */
		writeCorsHeaders(this: ApiService, route: RouteWithCors, req: Req, res: ServerResponse) {
			// Only browsers send Origin: other callers skip the alias look-up below.
			if (!req.headers.origin) return;
			const found = this.resolveAlias(req.parsedUrl ?? "", routedMethod(req));
			const action = found === false ? undefined : found.alias.action;
			const cors = corsFor(route, req, res, this.publicActions.has(action ?? ""));
			if (cors) base.writeCorsHeaders.call(this, { ...route, cors }, req, res, true);
		},

		httpHandler(this: ApiService, req: Req, res: ServerResponse, next: unknown) {
			const requestId = requestIdOf(req);
			// moleculer-web takes the context's request id from this header.
			req.headers["x-request-id"] = requestId;
			delete req.headers["x-correlation-id"];
			req.$requestId = requestId;
			res.setHeader("X-Request-Id", requestId);
			applySecurityHeaders(res);
			return runWithRequestId(requestId, () => base.httpHandler.call(this, req, res, next));
		},

		async authenticate(this: ApiService, ctx: Context, _route: unknown, req: Req) {
			const credential = bearerOf(req.headers.authorization);
			const isPublic = authMode(req.$action) === "public";
			if (credential === undefined) {
				if (isPublic) return null;
				throw unauthenticated();
			}
			try {
				if (credential === null)
					throw new ApiError(401, "INVALID_TOKEN", "The credential is invalid.");
				return await resolveCaller(ctx, credential, this.verifier);
			} catch (err) {
				// A bad credential on a public operation is ignored: it is served anonymously.
				if (isPublic && err instanceof ApiError && err.code === 401) return null;
				throw err;
			}
		},

		async authorize(
			this: ApiService,
			ctx: Context,
			_route: unknown,
			req: Req,
			res: ServerResponse,
		) {
			const caller = (ctx.meta as { user?: Caller | null }).user ?? null;
			checkAccess(req.$action, caller);
			if (caller) res.setHeader("Cache-Control", "private, no-store");

			const pathParams = Object.fromEntries(
				(req.$alias?.keys ?? []).map((key) => [
					key.name,
					String(req.$params?.[key.name] ?? ""),
				]),
			);
			await this.limitOrThrow(
				req,
				res,
				bucketsFor({
					action: req.$action,
					caller,
					ip: this.clientIpOf(req),
					pathParams,
					userLimitPerMinute: cfg.userRateLimitPerMinute,
				}),
			);

			const key = validateKey(req.headers["idempotency-key"]);
			// Uploads are read only now, once the caller has passed authentication and limits.
			const upload =
				req.$alias?.type === "multipart" ? await this.holdMultipartBody(req, res) : null;
			if (req.method !== "POST" || key === null) return;
			const scope = caller?.id
				? `user:${caller.id}`
				: `anon:${(req.parsedUrl ?? "").replace(/^\/v1/, "")}`;
			const print = upload
				? fingerprint("POST", req.parsedUrl ?? "", upload.body, upload.boundary)
				: fingerprint("POST", req.parsedUrl ?? "", req.rawBody);
			const reservation = await this.idempotency.reserve(scope, key, print);
			if (reservation.kind === "replay") req.$replay = reservation.response;
			else
				req.$idempotency = {
					redisKey: reservation.redisKey,
					fingerprint: reservation.fingerprint,
				};
		},

		/**
		 * Reads an upload into memory (see `readMultipartBody`) and lets busboy parse it from
		 * there. moleculer-web starts a multipart action from busboy, not through `callAction`:
		 * an idempotent replay is written where busboy would have been fed.
		 */
		async holdMultipartBody(this: ApiService, req: Req, res: ServerResponse) {
			// The body middleware has refused requests without one.
			const boundary = multipartBoundary(req) as string;
			const body = await readMultipartBody(req, boundary);
			pipeFromBuffer(req, body, () => {
				if (!req.$replay) return false;
				writeReplay(res, req.$replay);
				return true;
			});
			return { body, boundary };
		},

		async limitOrThrow(this: ApiService, _req: Req, res: ServerResponse, buckets: Bucket[]) {
			await enforceLimits(this.limiter, res, buckets, (err) =>
				this.logger.warn("Rate limits skipped: Redis did not answer", err),
			);
		},

		clientIpOf(this: ApiService, req: IncomingMessage) {
			return clientIp(req, cfg.trustedProxies);
		},

		async callAction(
			this: ApiService,
			route: unknown,
			action: string,
			req: Req,
			res: ServerResponse,
			params: unknown,
		) {
			if (!req.$replay) return base.callAction.call(this, route, action, req, res, params);
			writeReplay(res, req.$replay);
			return true;
		},

		sendResponse(
			this: ApiService,
			req: Req,
			res: ServerResponse,
			data: unknown,
			action: unknown,
		) {
			const headers = req.$ctx?.meta.$responseHeaders ?? {};
			// An operation that sets its own ETag (a cover file) also answers its own 304s.
			if (!headers.ETag && answeredNotModified(req, res, data, headers)) return;
			base.sendResponse.call(this, req, res, data, action);
			const location = (res.getHeader("Location") as string | undefined) ?? null;
			void this.finishIdempotency(req, res.statusCode, data ?? null, location);
		},

		/** Stores the answer of a request that carried an Idempotency-Key. */
		async finishIdempotency(
			this: ApiService,
			req: Req,
			status: number,
			body: unknown,
			location: string | null,
		) {
			const pending = req.$idempotency;
			if (!pending) return;
			req.$idempotency = undefined;
			try {
				const response = { status, body, location };
				await this.idempotency.complete(pending.redisKey, pending.fingerprint, response);
			} catch (err) {
				this.logger.warn("Could not store the idempotent response", err);
			}
		},

		sendError(this: ApiService, req: Req, res: ServerResponse, err: unknown) {
			const failure = (req.$alias?.type === "multipart" && missingFileError(err)) || err;
			const { error, body } = errorAnswer(req, res, failure, this.aliases as never);
			if (error.internal) this.logger.error(`${req.method} ${req.url} failed`, err);
			else this.logger.debug(`${req.method} ${req.url} → ${error.status} ${error.code}`);
			void this.finishIdempotency(req, error.status, body, null);
			writeJson(res, error.status, body);
		},
	},

	created(this: ApiService) {
		this.publicActions = new Set();
		this.redis = new Redis(cfg.redisUrl, {
			lazyConnect: true,
			maxRetriesPerRequest: 1,
			enableOfflineQueue: false,
		});
		this.redis.on("error", (err: Error) =>
			this.logger.debug("Redis connection error", err.message),
		);
		const prefix = `${this.broker.namespace || "kasify"}-api`;
		this.limiter = new RateLimiter(this.redis, prefix);
		// A running request holds its key a little longer than it may take.
		const runningTtlMs = cfg.requestTimeoutMs + 30_000;
		const key = keyFrom(cfg.secretsKey);
		this.idempotency = new IdempotencyStore(this.redis, prefix, runningTtlMs, key);
		this.verifier = new JwtVerifier(cfg.jwt);
		this.metricsToken = cfg.metricsToken;
		this.openapiDocument = null;
	},

	async started(this: ApiService) {
		// Without Redis the gateway still serves; /ready reports it and limits fail open.
		await this.redis
			.connect()
			.catch((err: Error) => this.logger.warn("Redis unreachable at start", err.message));
		this.logger.info(`Gateway listening on port ${cfg.port}`);
	},

	async stopped(this: ApiService) {
		this.redis.disconnect();
	},
};

export = api;
