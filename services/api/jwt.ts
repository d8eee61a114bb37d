/**
 * Verification of identity-provider JWTs (§1.4) with jsonwebtoken, against a JWKS URL, a PEM
 * public key or an HS256 secret. The algorithm allow-list always comes from configuration,
 * so `alg: none` and algorithm-confusion tokens are refused.
 */
import jwt, { type JwtPayload } from "jsonwebtoken";
import { JwksClient } from "jwks-rsa";
import type { JwtConfig } from "../../shared/config";
import { ApiError } from "../../shared/errors";

export interface VerifiedClaims {
	sub: string;
	email: string | null;
	emailVerified: boolean;
	givenName: string | null;
	familyName: string | null;
}

const CLOCK_SKEW_SECONDS = 60;

export const invalidToken = () => new ApiError(401, "INVALID_TOKEN", "The credential is invalid.");
export const expiredToken = () => new ApiError(401, "TOKEN_EXPIRED", "The credential has expired.");

const stringClaim = (value: unknown) => (typeof value === "string" && value ? value : null);

/** An unknown `kid` may trigger a refetch of the key set at most this often. */
const REFETCH_INTERVAL_MS = 60_000;

export class JwtVerifier {
	private readonly jwks: JwksClient | null;
	/** Key ids resolved so far: another kid means a refetch. */
	private readonly knownKids = new Set<string>();
	private fetchedOnce = false;
	private lastRefetchAt = 0;

	constructor(private readonly cfg: JwtConfig) {
		this.jwks = cfg.jwksUrl
			? new JwksClient({
					jwksUri: cfg.jwksUrl,
					cache: true,
					cacheMaxAge: 10 * 60 * 1000,
					// Refetches are limited below, per unknown kid, not by jwks-rsa's own limiter,
					// which would count the first fetch and block a rotation right after start.
					rateLimit: false,
					timeout: 5000,
				})
			: null;
	}

	private key(header: jwt.JwtHeader, done: jwt.SigningKeyCallback): void {
		if (!this.jwks) {
			done(null, (this.cfg.publicKey ?? this.cfg.secret) as string);
			return;
		}
		const kid = header.kid ?? "";
		if (!this.knownKids.has(kid)) {
			// The first fetch is free; after it, an unknown kid refetches at most once a minute.
			const now = Date.now();
			if (this.fetchedOnce && now - this.lastRefetchAt < REFETCH_INTERVAL_MS) {
				done(new Error("Unknown key id; the key set was refetched less than a minute ago"));
				return;
			}
			if (this.fetchedOnce) this.lastRefetchAt = now;
			this.fetchedOnce = true;
		}
		this.jwks
			.getSigningKey(header.kid)
			.then((key) => {
				this.knownKids.add(kid);
				done(null, key.getPublicKey());
			})
			.catch((err: Error) => done(err));
	}

	verify(token: string): Promise<VerifiedClaims> {
		return new Promise((resolve, reject) => {
			jwt.verify(
				token,
				(header, done) => this.key(header, done),
				{
					algorithms: this.cfg.algorithms as jwt.Algorithm[],
					issuer: this.cfg.issuer ?? undefined,
					audience: this.cfg.audience ?? undefined,
					clockTolerance: CLOCK_SKEW_SECONDS,
				},
				(err, decoded) => {
					if (err) {
						reject(err.name === "TokenExpiredError" ? expiredToken() : invalidToken());
						return;
					}
					const claims = decoded as JwtPayload;
					// jsonwebtoken accepts tokens without `exp`; the spec requires one.
					if (typeof claims.exp !== "number" || !stringClaim(claims.sub)) {
						reject(invalidToken());
						return;
					}
					resolve({
						sub: claims.sub as string,
						email: stringClaim(claims.email)?.toLowerCase() ?? null,
						emailVerified: claims.email_verified === true,
						givenName: stringClaim(claims.given_name),
						familyName: stringClaim(claims.family_name),
					});
				},
			);
		});
	}
}
