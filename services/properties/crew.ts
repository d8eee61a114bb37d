/**
 * The crew of a property: `GET /v1/properties/{id}/crew` (§12.3) and
 * `PATCH /v1/properties/{id}/crew/{userId}` (§12.5). Removal is in crew-removal.ts.
 */
import type { RequestContext } from "../../shared/context";
import { notFound } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import { propertyAccessOf, type PropertyRole } from "../../shared/permissions";
import { checkUpdateAllowed, nothingToUpdate, ownerImmutable, servicesFor } from "./crew-rules";
import { resetDefaultCleaner } from "./default-cleaner";
import { peopleById, teamOf } from "./membership";
import type { MemberDoc } from "./models";
import type { PropertiesService } from "./service-types";
import { loadActiveMember, loadLiveProperty } from "./loaders";
import { memberEntry, memberView } from "./views";
import { canBeDefaultCleaner, type MemberLevel } from "./vocabulary";

export async function listCrew(this: PropertiesService, ctx: RequestContext<{ id: string }>) {
	const property = await loadLiveProperty.call(this, propertyAccessOf(ctx).propertyId);
	return teamOf.call(this, property);
}

interface UpdateParams {
	id: string;
	userId: string;
	access_level?: MemberLevel;
	services?: string[];
}

const sameList = (a: string[], b: string[]) =>
	a.length === b.length && a.every((item, i) => item === b[i]);

export async function updateMember(this: PropertiesService, ctx: RequestContext<UpdateParams>) {
	const access = propertyAccessOf(ctx);
	const { access_level: level, services } = ctx.params;
	if (level === undefined && services === undefined) throw nothingToUpdate();

	const property = await loadLiveProperty.call(this, access.propertyId);
	const userId = ctx.params.userId.toLowerCase();
	if (userId === property.owner_user_id) throw ownerImmutable();
	const { Member } = this.models;
	const member = await loadActiveMember.call(this, property._id, userId);

	const previous = { access_level: member.access_level, services: [...member.services] };
	const nextLevel = level ?? (member.access_level as MemberLevel);
	checkUpdateAllowed(access.role, member.access_level as PropertyRole, nextLevel);
	const nextServices = servicesFor(nextLevel, services, member.services);

	if (nextLevel !== previous.access_level || !sameList(nextServices, previous.services)) {
		const event = buildEvent(ctx, "member.updated", {
			accountId: property.account_id,
			propertyId: property._id,
			data: {
				user_id: userId,
				access_level: nextLevel,
				services: nextServices,
				previous,
			},
		});
		const result = await Member.updateOne(
			{ _id: member._id, removed_at: null },
			{ $set: { access_level: nextLevel, services: nextServices }, ...queueEvents(event) },
		);
		if (result.modifiedCount === 0) throw notFound("member");
		await this.forgetRoles(property._id, [userId]);
		await this.flushOutbox("Member", member._id);
		this.logger.info(`Member ${userId} of property ${property._id} updated (${nextLevel})`);

		// A default cleaner who no longer cleans hands the role back to the owner (§12.5).
		if (
			property.default_cleaner_id === userId &&
			!canBeDefaultCleaner(nextLevel, nextServices)
		) {
			await resetDefaultCleaner.call(this, ctx, property, userId);
		}
	}

	const [updated, current] = await Promise.all([
		Member.findById(member._id).lean<MemberDoc>(),
		loadLiveProperty.call(this, property._id),
	]);
	const people = await peopleById.call(this, [userId]);
	return memberView(current, memberEntry(updated as MemberDoc), people.get(userId));
}
