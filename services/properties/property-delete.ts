/** `DELETE /v1/properties/{id}` (§11.6): owner only; upcoming bookings block it unless forced. */
import type { RequestContext } from "../../shared/context";
import { ApiError, notFound } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import { propertyAccessOf } from "../../shared/permissions";
import type { MemberDoc, PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";

interface DeleteParams {
	id: string;
	force?: boolean;
}

/** `hasService` exists on Moleculer's registry but is missing from its typings. */
const hasService = (service: PropertiesService, name: string) =>
	(service.broker.registry as unknown as { hasService(name: string): boolean }).hasService(name);

/**
 * Current or future pending/confirmed reservations of the property. Until the bookings service
 * exists there are none, so the check is skipped rather than failing every deletion; once it
 * registers, its `upcomingForProperty` action answers `{ ids: string[] }`.
 */
async function upcomingBookingIds(
	this: PropertiesService,
	ctx: RequestContext<DeleteParams>,
	propertyId: string,
): Promise<string[]> {
	if (!hasService(this, "bookings")) return [];
	const answer = await ctx.call<{ ids: string[] }, { propertyId: string }>(
		"bookings.upcomingForProperty",
		{ propertyId },
	);
	return answer.ids;
}

export async function deleteProperty(this: PropertiesService, ctx: RequestContext<DeleteParams>) {
	const access = propertyAccessOf(ctx);
	const { Property, Member, Invitation, InvitationUse } = this.models;
	const id = access.propertyId;
	const property = await Property.findOne({ _id: id, deleted_at: null }).lean<PropertyDoc>();
	if (!property) throw notFound("property");

	const upcoming = await upcomingBookingIds.call(this, ctx, id);
	if (upcoming.length > 0 && !ctx.params.force) {
		throw new ApiError(
			409,
			"PROPERTY_HAS_UPCOMING_BOOKINGS",
			"The property has current or future bookings; use force=true to cancel them.",
			upcoming.map((bookingId) => ({ field: null, message: `Booking ${bookingId}` })),
		);
	}

	// The property stays as a tombstone carrying the event. Every service holding data about
	// it (bookings, tasks, locks, iCal) reacts to property.deleted: with force, bookings
	// cancels the reservations listed here with reason property_deleted.
	const event = buildEvent(ctx, "property.deleted", {
		accountId: property.account_id,
		propertyId: id,
		data: { property_id: id, cancelled_booking_ids: upcoming },
	});
	const now = new Date();
	const result = await Property.updateOne(
		{ _id: id, deleted_at: null },
		{
			$set: { deleted_at: now, updated_at: now, cover_key: null, cover_widths: [] },
			...queueEvents(event),
		},
	);
	ctx.meta.$statusCode = 204;
	if (result.modifiedCount === 0) return null; // deleted by a concurrent request

	const members = await Member.find({ property_id: id }).select("user_id").lean<MemberDoc[]>();
	await this.forgetRoles(id, [property.owner_user_id, ...members.map((m) => m.user_id)]);
	await this.flushOutbox("Property", id);
	// Crew and invitations go with the property; their pending events, if any, are superseded
	// by property.deleted.
	await Member.deleteMany({ property_id: id });
	const invitations = await Invitation.find({ property_id: id }).select("_id").lean();
	await InvitationUse.deleteMany({ invitation_id: { $in: invitations.map((i) => i._id) } });
	await Invitation.deleteMany({ property_id: id });
	if (property.cover_key) await this.removeCoverFiles(property.cover_key);
	this.logger.info(
		`Property ${id} deleted (${members.length} members, ${upcoming.length} bookings)`,
	);
	return null;
}
