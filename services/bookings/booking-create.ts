/** `POST /v1/properties/{id}/bookings` (§5.3). */
import { created, type RequestContext } from "../../shared/context";
import { buildEvent } from "../../shared/events/envelope";
import { outboxEntries } from "../../shared/events/outbox";
import { newId, newPublicCode } from "../../shared/ids";
import { propertyAccessOf } from "../../shared/permissions";
import { bodyFields, checkBooking, stripBlock, type BookingFields } from "./booking-input";
import type { BookingBody } from "./booking-params";
import { claimKeys, keysOf, releaseKeys } from "./claims";
import type { BookingDoc } from "./models";
import type { BookingsService } from "./service-types";
import { bookingView, createdData, searchFields } from "./views";

const DEFAULTS = {
	type: "reservation",
	channel: "direct",
	channel_id: null,
	status: "confirmed",
	adults_count: 1,
	children_count: 0,
	infants_count: 0,
} as const;

export async function createBooking(
	this: BookingsService,
	ctx: RequestContext<BookingBody & { id: string }>,
) {
	const access = propertyAccessOf(ctx);
	const type = ctx.params.type === "block" ? "block" : "reservation";
	let fields = { ...DEFAULTS, ...bodyFields(ctx.params), type } as BookingFields;
	if (type === "block") fields = stripBlock(fields);
	checkBooking(fields);

	const id = newId();
	const now = new Date();
	const booking = {
		...fields,
		_id: id,
		property_id: access.propertyId,
		account_id: access.accountId,
		source: "manual",
		has_conflict: false,
		...searchFields(fields),
		created_at: now,
		updated_at: now,
	} as BookingDoc;
	if (type === "reservation") booking.checkin_code = newPublicCode();

	// Claims first: the unique index on each night decides between concurrent creates.
	const keys = keysOf(booking);
	await claimKeys.call(this, id, keys);
	const event = buildEvent(ctx, "booking.created", {
		accountId: access.accountId,
		propertyId: access.propertyId,
		data: createdData(booking),
	});
	try {
		await this.models.Booking.create({ ...booking, outbox: outboxEntries(event) });
	} catch (err) {
		await releaseKeys.call(this, id, keys);
		throw err;
	}
	await this.flushOutbox("Booking", id);
	// The cleaning task comes from the tasks service, which consumes booking.created.
	// TODO: SES, check-in opening and access codes (§5.8) — their services do not exist yet.
	this.logger.info(`Booking ${id} (${type}) created on property ${access.propertyId}`);

	const stored = await this.models.Booking.findById(id).lean<BookingDoc>();
	created(ctx, `/v1/bookings/${id}`);
	return bookingView(stored as BookingDoc, access.role);
}
