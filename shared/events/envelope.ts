/** The envelope every domain event travels in (spec §19). */
import { newId } from "../ids";
import type { RequestContext } from "../context";

export type ActorType = "user" | "guest" | "system" | "public_link" | "provider";

export interface DomainEvent<D = Record<string, unknown>> {
	id: string;
	type: string;
	version: number;
	occurred_at: string;
	account_id: string | null;
	property_id: string | null;
	actor: { type: ActorType; id: string | null };
	request_id: string | null;
	data: D;
}

export interface EventFields<D> {
	accountId: string | null;
	propertyId?: string | null;
	data: D;
	/** Defaults to the calling user, or the system when there is none. */
	actor?: DomainEvent["actor"];
}

/** Builds an event caused by the request behind `ctx` (or by the system when `ctx` is null). */
export function buildEvent<D>(
	ctx: RequestContext<unknown> | null,
	type: string,
	fields: EventFields<D>,
): DomainEvent<D> {
	const userId = ctx?.meta.user?.id ?? null;
	return {
		id: newId(),
		type,
		version: 1,
		occurred_at: new Date().toISOString(),
		account_id: fields.accountId,
		property_id: fields.propertyId ?? null,
		actor:
			fields.actor ?? (userId ? { type: "user", id: userId } : { type: "system", id: null }),
		request_id: ctx?.requestID ?? null,
		data: fields.data,
	};
}
