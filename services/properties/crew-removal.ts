/**
 * `DELETE /v1/properties/{id}/crew/{userId}` (§12.4): a member is removed, or leaves.
 *
 * The member row carries its own `member.removed` event: it is first marked removed together
 * with the event (one single-document write, so the two cannot diverge), then deleted once the
 * event is published. Until then every query ignores it (`removed_at: null`), and a second
 * invitation of the same user clears it before joining again (see invitation-accept.ts).
 */
import { registeredCaller, type RequestContext } from "../../shared/context";
import { buildEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import { propertyAccessOf, type PropertyRole } from "../../shared/permissions";
import { loadActiveMember, loadLiveProperty } from "./loaders";
import { ownerImmutable, removalReason } from "./crew-rules";
import { resetDefaultCleaner } from "./default-cleaner";
import type { PropertiesService } from "./service-types";

/** How long a removal waits for the tasks service before leaving it to the event. */
const REASSIGN_TIMEOUT_MS = 5_000;

/** Deletes removed rows of a user whose event has been published. */
export async function purgeRemoved(this: PropertiesService, propertyId: string, userId: string) {
	await this.models.Member.deleteMany({
		property_id: propertyId,
		user_id: userId,
		removed_at: { $ne: null },
		outbox: { $size: 0 },
	});
}

/**
 * The member's open tasks are reassigned by the tasks service (§12.4) before the event is
 * built, so the event can name them. Removal never waits on that service: when it does not
 * answer, the event says none were reassigned, and tasks does the same work when it consumes
 * `member.removed`.
 */
async function reassignTasks(
	this: PropertiesService,
	ctx: RequestContext<unknown>,
	propertyId: string,
	userId: string,
): Promise<string[]> {
	try {
		const answer = await ctx.call<{ ids: string[] }, { propertyId: string; userId: string }>(
			"tasks.reassignFromMember",
			{ propertyId, userId },
			{ timeout: REASSIGN_TIMEOUT_MS, retries: 0 },
		);
		return answer.ids;
	} catch (err) {
		this.logger.warn(
			`Tasks of ${userId} on ${propertyId} not reassigned now (${(err as Error).message}); ` +
				"the tasks service will do it from member.removed",
		);
		return [];
	}
}

export async function removeMember(
	this: PropertiesService,
	ctx: RequestContext<{ id: string; userId: string }>,
) {
	const caller = registeredCaller(ctx);
	const access = propertyAccessOf(ctx);
	const property = await loadLiveProperty.call(this, access.propertyId);
	const userId = ctx.params.userId.toLowerCase();
	if (userId === property.owner_user_id) throw ownerImmutable();
	const { Member } = this.models;
	const member = await loadActiveMember.call(this, property._id, userId);
	const level = member.access_level as PropertyRole;
	const reason = removalReason(access.role, caller.id, { userId, level });

	const reassigned = await reassignTasks.call(this, ctx, property._id, userId);
	const event = buildEvent(ctx, "member.removed", {
		accountId: property.account_id,
		propertyId: property._id,
		data: { user_id: userId, reason, reassigned_task_ids: reassigned },
	});
	const result = await Member.updateOne(
		{ _id: member._id, removed_at: null },
		{ $set: { removed_at: new Date() }, ...queueEvents(event) },
	);
	ctx.meta.$statusCode = 204;
	if (result.modifiedCount === 0) return null; // removed by a concurrent request

	// Access ends now, on every node: the cached role goes before anything else.
	await this.forgetRoles(property._id, [userId]);
	if (property.default_cleaner_id === userId) {
		await resetDefaultCleaner.call(this, ctx, property, userId);
	}
	await this.flushOutbox("Member", member._id);
	await purgeRemoved.call(this, property._id, userId);
	this.logger.info(
		`Member ${userId} ${reason === "left" ? "left" : "removed from"} ${property._id}`,
	);
	return null;
}
