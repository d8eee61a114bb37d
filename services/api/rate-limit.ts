/**
 * Rolling-window rate limits counted in Redis, so every gateway replica shares them (§1.8).
 *
 * Each bucket is a sorted set of request timestamps. One Lua script trims what fell out of
 * the window, and admits the request only if the bucket has room: rejected requests are not
 * counted. When Redis cannot be reached the limits fail open and the gateway logs it.
 */
import type Redis from "ioredis";
import type { ServerResponse } from "node:http";
import { ApiError } from "../../shared/errors";
import { randomUUID } from "node:crypto";

export interface Bucket {
	/** Redis key suffix identifying the bucket, e.g. "geo:203.0.113.9". */
	key: string;
	limit: number;
	windowMs: number;
}

export interface BucketState {
	bucket: Bucket;
	allowed: boolean;
	remaining: number;
	/** Seconds until the oldest counted request leaves the window. */
	resetSeconds: number;
}

// KEYS: one per bucket. ARGV: now (ms), member, then window (ms) and limit per bucket.
// Admits the request only if every bucket has room, and then counts it in all of them.
// Returns, per bucket, {count, oldest} followed by the admitted flag.
const SLIDING_WINDOW = `
local now = tonumber(ARGV[1])
local admitted = 1
local counts = {}
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[1 + 2 * i])
  local limit = tonumber(ARGV[2 + 2 * i])
  redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
  counts[i] = redis.call("ZCARD", key)
  if counts[i] >= limit then admitted = 0 end
end
local result = {}
for i, key in ipairs(KEYS) do
  if admitted == 1 then
    redis.call("ZADD", key, now, ARGV[2])
    redis.call("PEXPIRE", key, tonumber(ARGV[1 + 2 * i]))
    counts[i] = counts[i] + 1
  end
  local oldest = redis.call("ZRANGE", key, 0, 0, "WITHSCORES")[2] or ARGV[1]
  table.insert(result, counts[i])
  table.insert(result, oldest)
end
table.insert(result, admitted)
return result
`;

export class RateLimiter {
	constructor(
		private readonly redis: Redis,
		private readonly prefix: string,
	) {}

	/** Takes a slot from every bucket; the request is admitted only if all of them have room. */
	async take(buckets: Bucket[]): Promise<BucketState[]> {
		if (buckets.length === 0) return [];
		const now = Date.now();
		const args = buckets.flatMap((bucket) => [bucket.windowMs, bucket.limit]);
		const reply = (await this.redis.eval(
			SLIDING_WINDOW,
			buckets.length,
			...buckets.map((bucket) => `${this.prefix}:rl:${bucket.key}`),
			now,
			`${now}-${randomUUID()}`,
			...args,
		)) as (number | string)[];
		const admitted = reply[reply.length - 1] === 1;
		return buckets.map((bucket, i) => {
			const count = Number(reply[2 * i]);
			const resetMs = Math.max(0, Number(reply[2 * i + 1]) + bucket.windowMs - now);
			return {
				bucket,
				allowed: admitted,
				remaining: Math.max(0, bucket.limit - count),
				resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
			};
		});
	}
}

/** The state to report in headers: the bucket with the fewest remaining requests. */
export function tightest(states: BucketState[]): BucketState | null {
	return states.reduce<BucketState | null>(
		(min, state) => (min === null || state.remaining < min.remaining ? state : min),
		null,
	);
}

/**
 * Takes a slot from every bucket and reports the tightest one in the RateLimit-* headers;
 * throws 429 with Retry-After when a bucket is full. Without Redis the limits fail open
 * (§1.8): `onRedisDown` is told, and the request goes through.
 */
export async function enforceLimits(
	limiter: RateLimiter,
	res: ServerResponse,
	buckets: Bucket[],
	onRedisDown: (err: unknown) => void,
): Promise<void> {
	if (buckets.length === 0) return;
	let states: BucketState[];
	try {
		states = await limiter.take(buckets);
	} catch (err) {
		onRedisDown(err);
		return;
	}
	const reported = tightest(states);
	if (!reported) return;
	res.setHeader("RateLimit-Limit", String(reported.bucket.limit));
	res.setHeader("RateLimit-Remaining", String(reported.remaining));
	res.setHeader("RateLimit-Reset", String(reported.resetSeconds));
	if (!reported.allowed) {
		const waits = states.filter((s) => s.remaining === 0).map((s) => s.resetSeconds);
		res.setHeader("Retry-After", String(Math.max(...waits, 1)));
		throw new ApiError(429, "RATE_LIMITED", "Too many requests; retry later.");
	}
}
