/**
 * Who may call an operation (the `auth` key of its action) and which rate-limit buckets
 * apply to the request (§1.4, §1.8).
 */
import type { ActionSchema } from "moleculer";
import type { Caller } from "../../shared/context";
import { ApiError } from "../../shared/errors";
import type { Bucket } from "./rate-limit";
import { unauthenticated } from "./credentials";

const MINUTE = 60_000;

export const patNotAllowed = () =>
	new ApiError(
		403,
		"PAT_NOT_ALLOWED",
		"This operation needs a JWT, not a personal access token.",
	);

export const userNotRegistered = () =>
	new ApiError(403, "USER_NOT_REGISTERED", "Register with POST /v1/auth/register first.");

export function authMode(action: ActionSchema | undefined) {
	return action?.auth ?? "user";
}

/** Throws the documented error when the caller may not call the action at all. */
export function checkAccess(action: ActionSchema | undefined, caller: Caller | null): void {
	const mode = authMode(action);
	if (mode === "public") return;
	if (!caller) throw unauthenticated();
	if ((mode === "identity" || mode === "jwt") && caller.via === "pat") throw patNotAllowed();
	if (mode !== "identity" && !caller.id) throw userNotRegistered();
}

const PUBLIC_BUCKETS: Record<NonNullable<ActionSchema["rateLimit"]>, number> = {
	geo: 50,
	public_link: 60,
	ical_feed: 30,
};

export interface BucketInputs {
	action: ActionSchema | undefined;
	caller: Caller | null;
	ip: string;
	/** The path parameters, for buckets keyed by a public token. */
	pathParams: Record<string, string>;
	userLimitPerMinute: number;
}

export function bucketsFor({ action, caller, ip, pathParams, userLimitPerMinute }: BucketInputs) {
	const buckets: Bucket[] = [];
	if (caller?.via === "pat" && caller.tokenId) {
		buckets.push({ key: `pat:${caller.tokenId}`, limit: 100, windowMs: MINUTE });
	} else if (caller?.via === "jwt" && caller.id && userLimitPerMinute > 0) {
		buckets.push({ key: `user:${caller.id}`, limit: userLimitPerMinute, windowMs: MINUTE });
	}
	const kind = action?.rateLimit;
	if (kind === "ical_feed") {
		const token = String(pathParams.token ?? "").toUpperCase();
		buckets.push({ key: `ical:${token}`, limit: PUBLIC_BUCKETS.ical_feed, windowMs: MINUTE });
	} else if (kind) {
		buckets.push({ key: `${kind}:${ip}`, limit: PUBLIC_BUCKETS[kind], windowMs: MINUTE });
	}
	return buckets;
}

export const OPENAPI_BUCKET = (ip: string): Bucket => ({
	key: `openapi:${ip}`,
	limit: 10,
	windowMs: MINUTE,
});
