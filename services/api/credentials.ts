/**
 * Resolves the `Authorization` header of a request into the caller the services see in
 * `ctx.meta.user`: a JWT from the identity provider or a personal access token.
 */
import type { Context } from "moleculer";
import type { Caller } from "../../shared/context";
import { ApiError } from "../../shared/errors";
import { sha256Hex } from "../../shared/ids";
import { invalidToken, type JwtVerifier } from "./jwt";

export const PAT_PREFIX = "kas_pat_";

export const unauthenticated = () =>
	new ApiError(401, "UNAUTHENTICATED", "This operation requires a Bearer credential.");

/** The bearer credential of a request: undefined when absent, null when malformed. */
export function bearerOf(header: string | undefined): string | null | undefined {
	if (header === undefined || header.trim() === "") return undefined;
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return match ? match[1] : null;
}

/** What the accounts service knows of a JWT subject, or null when it has not registered. */
interface RegisteredUser {
	id: string;
	account_id: string;
	is_admin: boolean;
}

interface TokenOwner extends RegisteredUser {
	sub: string;
	email: string | null;
	email_verified: boolean;
	token_id: string;
}

export async function resolveCaller(
	ctx: Context,
	credential: string,
	verifier: JwtVerifier,
): Promise<Caller> {
	if (credential.startsWith(PAT_PREFIX)) {
		// Only the hash leaves the gateway: it is what accounts stores and what the cache keys on.
		const owner = await ctx.call<TokenOwner, { token_hash: string }>(
			"accounts.authenticateToken",
			{
				token_hash: sha256Hex(credential),
			},
		);
		return {
			id: owner.id,
			accountId: owner.account_id,
			sub: owner.sub,
			email: owner.email,
			emailVerified: owner.email_verified,
			isAdmin: owner.is_admin,
			via: "pat",
			tokenId: owner.token_id,
			givenName: null,
			familyName: null,
		};
	}
	if (credential.split(".").length !== 3) throw invalidToken();

	const claims = await verifier.verify(credential);
	const user = await ctx.call<RegisteredUser | null, { sub: string }>("accounts.findBySubject", {
		sub: claims.sub,
	});
	return {
		id: user?.id ?? null,
		accountId: user?.account_id ?? null,
		sub: claims.sub,
		email: claims.email,
		emailVerified: claims.emailVerified,
		isAdmin: user?.is_admin ?? false,
		via: "jwt",
		tokenId: null,
		givenName: claims.givenName,
		familyName: claims.familyName,
	};
}
