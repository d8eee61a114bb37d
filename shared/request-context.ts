/**
 * The request id of the work in progress, carried across `await`s so that every log line of
 * every service that handles a request can name it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const storage = new AsyncLocalStorage<{ requestId: string | null }>();

export function runWithRequestId<T>(requestId: string | null | undefined, work: () => T): T {
	return storage.run({ requestId: requestId ?? null }, work);
}

export function currentRequestId(): string | null {
	return storage.getStore()?.requestId ?? null;
}
