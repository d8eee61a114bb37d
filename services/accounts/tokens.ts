/** Personal access tokens (spec §3.3): create (raw value shown once), list, revoke. */
import { created, registeredCaller, type RequestContext } from "../../shared/context";
import { ApiError, conflict, notFound } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { outboxEntries, queueEvents } from "../../shared/events/outbox";
import { newId, randomBase62, sha256Hex } from "../../shared/ids";
import type { ApiTokenDoc, UserDoc } from "./models";
import type { AccountsService } from "./service-types";
import { apiTokenCreatedView, apiTokenView } from "./views";

export const PAT_PREFIX = "kas_pat_";
const MAX_ACTIVE_TOKENS = 20;
const YEAR_MS = 366 * 24 * 60 * 60 * 1000;
const LAST_USED_RESOLUTION_MS = 60_000;

export interface CreateTokenParams {
	name: string;
	expires_at?: Date | null;
}

export async function listTokens(this: AccountsService, ctx: RequestContext) {
	const caller = registeredCaller(ctx);
	const tokens = await this.models.ApiToken.find({ user_id: caller.id, revoked_at: null })
		.sort({ created_at: -1, _id: 1 })
		.lean<ApiTokenDoc[]>();
	return tokens.map(apiTokenView);
}

export async function createToken(this: AccountsService, ctx: RequestContext<CreateTokenParams>) {
	const caller = registeredCaller(ctx);
	const { ApiToken } = this.models;
	const now = new Date();
	const expiresAt = ctx.params.expires_at ?? null;
	if (expiresAt && (expiresAt <= now || expiresAt.getTime() - now.getTime() > YEAR_MS)) {
		throw new ApiError(422, "VALIDATION_FAILED", "The request body is invalid.", [
			{ field: "expires_at", message: "Must be in the future and at most one year ahead." },
		]);
	}

	// A soft cap: two creations racing each other may both pass the count.
	const active = await ApiToken.countDocuments({
		user_id: caller.id,
		revoked_at: null,
		$or: [{ expires_at: null }, { expires_at: { $gt: now } }],
	});
	if (active >= MAX_ACTIVE_TOKENS) {
		throw conflict(
			"TOKEN_LIMIT_REACHED",
			`A user may hold at most ${MAX_ACTIVE_TOKENS} active tokens.`,
		);
	}

	const raw = PAT_PREFIX + randomBase62(40);
	const id = newId();
	const prefix = raw.slice(0, 12);
	const event = buildEvent(ctx, "apitoken.created", {
		accountId: caller.accountId,
		data: { token_id: id, token_prefix: prefix, expires_at: expiresAt?.toISOString() ?? null },
	});
	await ApiToken.create({
		_id: id,
		user_id: caller.id,
		name: ctx.params.name,
		token_hash: sha256Hex(raw),
		token_prefix: prefix,
		created_at: now,
		expires_at: expiresAt,
		outbox: outboxEntries(event),
	});
	await this.flushOutbox("ApiToken", id);
	this.logger.info(`User ${caller.id} created API token ${id} (${prefix}…)`);

	const token = await ApiToken.findById(id).lean<ApiTokenDoc>();
	created(ctx, `/v1/account/tokens/${id}`);
	return apiTokenCreatedView(token as ApiTokenDoc, raw);
}

export async function revokeToken(this: AccountsService, ctx: RequestContext<{ id: string }>) {
	const caller = registeredCaller(ctx);
	const { ApiToken } = this.models;
	const id = ctx.params.id.toLowerCase();
	const token = await ApiToken.findOne({ _id: id, user_id: caller.id }).lean<ApiTokenDoc>();
	if (!token) throw notFound("token");

	if (!token.revoked_at) {
		const event = buildEvent(ctx, "apitoken.revoked", {
			accountId: caller.accountId,
			data: { token_id: id },
		});
		const result = await ApiToken.updateOne(
			{ _id: id, revoked_at: null },
			{ $set: { revoked_at: new Date() }, ...queueEvents(event) },
		);
		if (result.modifiedCount === 1) {
			await this.forgetToken(token.token_hash);
			await this.flushOutbox("ApiToken", id);
			this.logger.info(`User ${caller.id} revoked API token ${id}`);
		}
	}
	ctx.meta.$statusCode = 204;
	return null;
}

/** Resolves a token hash to its owner, for the gateway. Unknown and revoked tokens are 401. */
export async function authenticateToken(
	this: AccountsService,
	ctx: RequestContext<{ token_hash: string }>,
) {
	const { ApiToken, User } = this.models;
	const token = await ApiToken.findOne({
		token_hash: ctx.params.token_hash,
		revoked_at: null,
	}).lean<ApiTokenDoc>();
	if (!token) throw new ApiError(401, "INVALID_TOKEN", "The credential is invalid.");
	const now = new Date();
	if (token.expires_at && token.expires_at <= now) {
		throw new ApiError(401, "TOKEN_EXPIRED", "The credential has expired.");
	}
	const user = await User.findById(token.user_id).lean<UserDoc>();
	if (!user) throw new ApiError(401, "INVALID_TOKEN", "The credential is invalid.");

	const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
	await ApiToken.updateOne(
		{ _id: token._id, $or: [{ last_used_at: null }, { last_used_at: { $lt: stale } }] },
		{ $set: { last_used_at: now } },
	);
	return {
		id: user._id,
		account_id: user.account_id,
		is_admin: user.is_admin,
		sub: user.sub,
		email: user.email,
		email_verified: user.email_verified,
		token_id: token._id,
	};
}
