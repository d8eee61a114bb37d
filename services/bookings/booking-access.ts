/**
 * Access to `/v1/bookings/{id}`, where the path names the booking rather than its property:
 * the booking is loaded first, then the caller's role on its property is checked with the same
 * rules as the PropertyAccess middleware (no role → 404, a role not allowed → 403).
 */
import type { RequestContext } from "../../shared/context";
import { forbidden, notFound } from "../../shared/errors";
import { resolveRole, type PropertyAccess, type PropertyRole } from "../../shared/permissions";
import type { BookingDoc } from "./models";
import type { BookingsService, PropertySchedule } from "./service-types";

export async function loadBookingFor(
	this: BookingsService,
	ctx: RequestContext<{ id: string }>,
	roles: readonly PropertyRole[],
): Promise<{ booking: BookingDoc; access: PropertyAccess }> {
	const userId = ctx.meta.user?.id;
	const booking = await this.models.Booking.findById(
		ctx.params.id.toLowerCase(),
	).lean<BookingDoc>();
	if (!booking || !userId) throw notFound("booking");
	const answer = await resolveRole(ctx.broker, ctx, booking.property_id, userId);
	if (!answer) throw notFound("booking");
	if (!roles.includes(answer.role)) throw forbidden();
	return { booking, access: { ...answer, propertyId: booking.property_id } };
}

/** The property's time zone and default clock times, from the properties service. */
export function scheduleOf(
	this: BookingsService,
	ctx: RequestContext<unknown> | null,
	propertyId: string,
): Promise<PropertySchedule | null> {
	const params = { propertyId };
	return ctx
		? ctx.call<PropertySchedule | null, typeof params>("properties.scheduleOf", params)
		: this.broker.call<PropertySchedule | null, typeof params>("properties.scheduleOf", params);
}
