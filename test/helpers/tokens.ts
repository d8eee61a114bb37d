/** JWTs for tests, signed like the identity provider's (dev secret, issuer and audience). */
import jwt, { type SignOptions } from "jsonwebtoken";
import { config } from "../../shared/config";

export interface TokenClaims {
	sub: string;
	email?: string | null;
	email_verified?: boolean;
	given_name?: string;
	family_name?: string;
}

export function mintJwt(claims: TokenClaims, options: SignOptions = {}): string {
	const cfg = config().jwt;
	const { sub, ...rest } = claims;
	const body = { email: `${sub}@example.es`, email_verified: true, ...rest };
	if (body.email === null) delete (body as { email?: unknown }).email;
	return jwt.sign(body, cfg.secret as string, {
		algorithm: "HS256",
		subject: sub,
		issuer: cfg.issuer ?? undefined,
		audience: cfg.audience ?? undefined,
		expiresIn: "1h",
		...options,
	});
}
