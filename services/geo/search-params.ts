/**
 * Parameters of the three searches, their HTTP caching (§8) and the key of their results in
 * the Redis cache.
 */
import type { LoggerInstance, ServiceBroker } from "moleculer";
import type { RequestMeta } from "../../shared/context";
import { pagination } from "../../shared/params";
import { normalise } from "./normalise";
import type { SearchInput } from "./search";

/**
 * How long a result stays in Redis. Search results are keyed by dataset version, so an answer
 * from one dataset is never served for another; a load also empties the cache to free it.
 */
export const RESULT_TTL_S = 3600;

const DEFAULT_PAGE = 0;
const DEFAULT_SIZE = 20;

/**
 * `page` and `size` as shared/params.ts validates them, but with the defaults applied in
 * `searchInput()` instead of by the validator: the handler must see whether the request
 * carried any parameter at all, since only a bare request may be cached for a day (§8).
 */
export function pagingParams(maxSize: number) {
	const { page, size } = pagination(maxSize);
	return {
		page: {
			...page,
			default: undefined,
			description: `Zero-based page index (default ${DEFAULT_PAGE}).`,
		},
		size: {
			...size,
			default: undefined,
			description: `Page size, 1 to ${maxSize} (default ${DEFAULT_SIZE}).`,
		},
	};
}

export const queryParam = (description: string) =>
	({ type: "string", trim: true, max: 100, optional: true, description }) as const;

export const uuidFilter = (description: string) =>
	({ type: "uuid", optional: true, description }) as const;

export interface RawSearchParams {
	query?: string;
	page?: number;
	size?: number;
}

export function searchInput(params: RawSearchParams): SearchInput {
	const q = params.query === undefined ? undefined : normalise(params.query);
	return {
		q: q || undefined,
		page: params.page ?? DEFAULT_PAGE,
		size: params.size ?? DEFAULT_SIZE,
	};
}

/** A day for the bare list, five minutes for anything with a query string (§8). */
export function setCacheControl(meta: RequestMeta, params: object): void {
	const bare = Object.keys(params).length === 0;
	meta.$responseHeaders = {
		...meta.$responseHeaders,
		"Cache-Control": bare ? "public, max-age=86400" : "public, max-age=300",
	};
}

/**
 * The result for `input` from Redis, or computed and stored. Done here rather than with the
 * action's `cache` option: on a hit Moleculer's cacher skips the handler and its hooks, and
 * with them the Cache-Control header, which lives in `ctx.meta`, not in the cached value.
 *
 * Searching the in-memory snapshot costs under a millisecond, about what a Redis read costs,
 * so the cache saves little time. It is kept so that all replicas give one answer per
 * query and dataset version; the caller puts the version in `input`, so an answer from an
 * older snapshot is never served for a newer dataset.
 */
export async function cachedResult<T>(
	service: { broker: ServiceBroker; logger: LoggerInstance },
	action: string,
	input: object,
	compute: () => T,
): Promise<T> {
	const cacher = service.broker.cacher;
	if (!cacher) return compute();
	const key = cacher.getCacheKey(action, input, {}, null);
	// Reference data is worth serving even when Redis is not: the cache fails open.
	const hit = (await cacher.get(key).catch((err: unknown) => {
		service.logger.warn(`Geo result cache unreadable for ${key}`, err);
		return null;
	})) as T | null;
	if (hit !== null) return hit;
	const result = compute();
	await cacher.set(key, result, RESULT_TTL_S).catch((err: unknown) => {
		service.logger.warn(`Geo result not cached for ${key}`, err);
	});
	return result;
}
