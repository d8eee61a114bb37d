/**
 * The uses of invitations, as claims of numbered slots (see InvitationUse in models.ts): a
 * claim is one insert that the unique `_id` lets succeed at most once per slot, which holds
 * under any concurrency on MongoDB and FerretDB alike.
 */
import type { InvitationDoc } from "./models";
import type { PropertiesService } from "./service-types";

const DUPLICATE_KEY = 11000;

/** Uses of each invitation, by id (0 for those never used). */
export async function usesOf(
	this: PropertiesService,
	invitationIds: string[],
): Promise<Map<string, number>> {
	const counts = await this.models.InvitationUse.aggregate<{ _id: string; uses: number }>([
		{ $match: { invitation_id: { $in: invitationIds } } },
		{ $group: { _id: "$invitation_id", uses: { $sum: 1 } } },
	]);
	return new Map(counts.map((count) => [count._id, count.uses]));
}

export async function usesOfOne(this: PropertiesService, invitationId: string): Promise<number> {
	return this.models.InvitationUse.countDocuments({ invitation_id: invitationId });
}

/** Takes a free slot for `userId`; the claim's id, or null when every slot is taken. */
export async function claimUse(
	this: PropertiesService,
	invitation: InvitationDoc,
	userId: string,
): Promise<string | null> {
	const { InvitationUse } = this.models;
	const taken = await usesOfOne.call(this, invitation._id);
	const slots = Array.from({ length: invitation.max_uses }, (_, i) => i + 1);
	// Likely free slots first; released ones (a use given back) may lie below.
	const order = [...slots.slice(taken), ...slots.slice(0, taken)];
	for (const slot of order) {
		const id = `${invitation._id}:${slot}`;
		try {
			await InvitationUse.create({
				_id: id,
				invitation_id: invitation._id,
				user_id: userId,
				claimed_at: new Date(),
			});
			return id;
		} catch (err) {
			if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
		}
	}
	return null;
}

export async function releaseUse(this: PropertiesService, claimId: string): Promise<void> {
	await this.models.InvitationUse.deleteOne({ _id: claimId });
}
