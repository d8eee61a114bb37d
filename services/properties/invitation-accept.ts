/**
 * `POST /v1/invitations/{token}/accept` (§12.7), checks in the documented order. Concurrent
 * accepts never exceed `maxUses`: a use is a claimed slot (invitation-uses.ts), and the
 * membership row is unique per (property, user); a duplicate gives its use back.
 */
import { registeredCaller, type Caller, type RequestContext } from "../../shared/context";
import { ApiError, conflict, notFound } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { outboxEntries } from "../../shared/events/outbox";
import { constantTimeEqual, newId } from "../../shared/ids";
import { claimUse, releaseUse, usesOfOne } from "./invitation-uses";
import type { InvitationDoc, MemberDoc, PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";

const DUPLICATE_KEY = 11000;

const exhausted = () => conflict("INVITATION_EXHAUSTED", "The invitation has been used up.");

const alreadyMember = () => conflict("ALREADY_MEMBER", "You already have access to this property.");

/** Steps 2–4: revoked, expired, exhausted. */
function checkUsable(invitation: InvitationDoc, uses: number, now: Date): void {
	if (invitation.revoked_at) {
		throw conflict("INVITATION_REVOKED", "The invitation was revoked.");
	}
	if (invitation.expires_at <= now) {
		throw conflict("INVITATION_EXPIRED", "The invitation has expired.");
	}
	if (uses >= invitation.max_uses) throw exhausted();
}

/** Step 5: a bound invitation is for that address only, and only once it is verified. */
function checkEmail(invitation: InvitationDoc, caller: Caller): void {
	if (!invitation.email) return;
	const matches = caller.emailVerified && caller.email?.trim().toLowerCase() === invitation.email;
	if (!matches) {
		throw new ApiError(
			403,
			"INVITATION_EMAIL_MISMATCH",
			"This invitation is for another email address, or yours is not verified.",
		);
	}
}

async function findInvitation(this: PropertiesService, rawToken: string) {
	const token = rawToken.toUpperCase();
	const invitation = await this.models.Invitation.findOne({ token }).lean<InvitationDoc>();
	// The index finds the candidate; the comparison that decides takes constant time.
	if (!invitation || !constantTimeEqual(invitation.token, token)) throw notFound("invitation");
	return invitation;
}

/** A removed row whose event is still unpublished would block joining again: finish it. */
async function clearRemovedRow(this: PropertiesService, propertyId: string, userId: string) {
	const { Member } = this.models;
	const stale = await Member.find({
		property_id: propertyId,
		user_id: userId,
		removed_at: { $ne: null },
	}).lean<MemberDoc[]>();
	for (const row of stale) {
		await this.flushOutbox("Member", row._id);
		await Member.deleteOne({ _id: row._id, outbox: { $size: 0 } });
	}
}

export async function acceptInvitation(
	this: PropertiesService,
	ctx: RequestContext<{ token: string }>,
) {
	const caller = registeredCaller(ctx);
	const { Invitation, Member, Property } = this.models;
	const invitation = await findInvitation.call(this, ctx.params.token);
	const property = await Property.findOne({
		_id: invitation.property_id,
		deleted_at: null,
	}).lean<PropertyDoc>();
	if (!property) throw notFound("invitation");

	const now = new Date();
	checkUsable(invitation, await usesOfOne.call(this, invitation._id), now);
	checkEmail(invitation, caller);
	const isMember =
		property.owner_user_id === caller.id ||
		(await Member.exists({ property_id: property._id, user_id: caller.id, removed_at: null }));
	if (isMember) throw alreadyMember();

	const claim = await claimUse.call(this, invitation, caller.id);
	if (!claim) throw exhausted();

	const memberId = newId();
	const event = buildEvent(ctx, "member.joined", {
		accountId: property.account_id,
		propertyId: property._id,
		data: {
			user_id: caller.id,
			access_level: invitation.access_level,
			services: invitation.services,
			invitation_id: invitation._id,
		},
	});
	try {
		await clearRemovedRow.call(this, property._id, caller.id);
		await Member.create({
			_id: memberId,
			property_id: property._id,
			user_id: caller.id,
			access_level: invitation.access_level,
			services: invitation.services,
			invitation_id: invitation._id,
			joined_at: now,
			outbox: outboxEntries(event),
		});
	} catch (err) {
		// The same user accepting twice at once: the loser gives its use back.
		await releaseUse.call(this, claim);
		if ((err as { code?: number }).code === DUPLICATE_KEY) throw alreadyMember();
		throw err;
	}
	await Invitation.updateOne(
		{ _id: invitation._id, accepted_at: null },
		{ $set: { accepted_at: now } },
	);
	await this.forgetRoles(property._id, [caller.id]);
	await this.flushOutbox("Member", memberId);
	this.logger.info(
		`User ${caller.id} joined property ${property._id} as ${invitation.access_level} ` +
			`(invitation ${invitation._id})`,
	);
	return {
		propertyId: property._id,
		propertyName: property.name,
		accessLevel: invitation.access_level,
	};
}
