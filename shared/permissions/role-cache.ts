/**
 * The Redis cache of `properties.roleOf` answers, shared by the properties service (which
 * fills and invalidates it) and by the PropertyAccess middleware of every other service
 * (which reads it first, saving a round trip to the properties service on most requests).
 *
 * Only positive answers are cached: a user who joins a property must see it at once, and a
 * stranger probing ids costs one indexed look-up. The properties service deletes a key right
 * after every write that changes a user's standing (member joined, updated, removed, property
 * deleted), so a removed member loses access on the next request, on every node.
 */
import type { ServiceBroker } from "moleculer";
import type { RoleAnswer } from "./types";

/**
 * Bounds how long a stale answer can survive the one race the deletion cannot close: a
 * look-up that read the database just before a change and writes the cache just after it.
 */
export const ROLE_CACHE_TTL_S = 60;
/** The second deletion, after the racing look-up above has had time to write. */
const SECOND_DELETE_MS = 1_000;

const KEY_FIELDS = ["propertyId", "userId"];

export function roleCacheKey(
	broker: ServiceBroker,
	propertyId: string,
	userId: string,
): string | null {
	return (
		broker.cacher?.getCacheKey("properties.roleOf", { propertyId, userId }, {}, KEY_FIELDS) ??
		null
	);
}

/** The cached answer, or null on a miss (or when Redis does not answer: ask the service). */
export async function cachedRole(
	broker: ServiceBroker,
	propertyId: string,
	userId: string,
): Promise<RoleAnswer | null> {
	const key = roleCacheKey(broker, propertyId, userId);
	if (!key || !broker.cacher) return null;
	try {
		return ((await broker.cacher.get(key)) as RoleAnswer | null) ?? null;
	} catch {
		return null;
	}
}

export async function rememberRole(
	broker: ServiceBroker,
	propertyId: string,
	userId: string,
	answer: RoleAnswer,
): Promise<void> {
	const key = roleCacheKey(broker, propertyId, userId);
	if (key) await broker.cacher?.set(key, answer, ROLE_CACHE_TTL_S);
}

/** Drops the cached roles of these users on the property: now, and once more a moment later. */
export async function forgetRoles(
	broker: ServiceBroker,
	propertyId: string,
	userIds: string[],
): Promise<void> {
	const keys = userIds
		.map((userId) => roleCacheKey(broker, propertyId, userId))
		.filter((key): key is string => key !== null);
	if (!broker.cacher || keys.length === 0) return;
	const cacher = broker.cacher;
	const drop = () => Promise.all(keys.map((key) => cacher.del(key)));
	await drop();
	setTimeout(() => {
		drop().catch((err: unknown) =>
			broker.logger.warn("Second deletion of cached property roles failed", err),
		);
	}, SECOND_DELETE_MS).unref();
}
