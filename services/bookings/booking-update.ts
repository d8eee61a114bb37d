/** `PATCH /v1/bookings/{id}` (§5.6), and cancellation for every cause. */
import type { RequestContext } from "../../shared/context";
import { ApiError, conflict } from "../../shared/errors";
import { buildEvent, type DomainEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import { OWNER_OR_MANAGER } from "../../shared/permissions";
import { loadBookingFor } from "./booking-access";
import { bodyFields, checkBooking, stripBlock, type BookingFields } from "./booking-input";
import type { BookingBody } from "./booking-params";
import { claimKeys, keysOf, releaseKeys } from "./claims";
import type { BookingDoc } from "./models";
import type { BookingsService } from "./service-types";
import { bookingView, previousOf, searchFields } from "./views";

const ICAL_OWNED = ["from", "to", "channel", "channel_id"] as const;
const TRANSITIONS: Record<string, string[]> = {
	pending: ["confirmed", "cancelled"],
	confirmed: ["cancelled"],
	cancelled: [],
};

export type CancelReason = "manual" | "ical_removed" | "property_deleted";

type PatchContext = RequestContext<BookingBody & { id: string }>;

function notModifiable(field: string, message: string): ApiError {
	return new ApiError(422, "FIELD_NOT_MODIFIABLE", message, [{ field, message }]);
}

export async function patchBooking(this: BookingsService, ctx: PatchContext) {
	const { booking, access } = await loadBookingFor.call(this, ctx, OWNER_OR_MANAGER);
	if (ctx.params.type !== undefined && ctx.params.type !== booking.type) {
		throw notModifiable("type", "The type of a booking cannot change.");
	}
	let patch = bodyFields(ctx.params);
	if (booking.source === "ical") {
		const owned = ICAL_OWNED.find((f) => patch[f] !== undefined && patch[f] !== booking[f]);
		if (owned) throw notModifiable(owned, "The channel's iCal feed owns this field.");
	}
	const status = patch.status ?? booking.status;
	if (status !== booking.status && !TRANSITIONS[booking.status].includes(status)) {
		throw conflict(
			"INVALID_STATE_TRANSITION",
			`A ${booking.status} booking cannot be ${status}.`,
		);
	}
	if (booking.type === "block") patch = stripBlock(patch);
	const next = { ...booking, ...patch } as BookingDoc;
	checkBooking(next);

	// Setting the current status again is a no-op; a cancelled booking's other fields stay
	// editable (it holds no nights, so its dates no longer matter for overlaps).
	const saved =
		status === "cancelled" && booking.status !== "cancelled"
			? await cancelBooking.call(this, ctx, booking, "manual", patch)
			: await applyPatch.call(this, ctx, booking, next, patch);
	return bookingView(saved, access.role, true);
}

/** Fields whose stored value the patch changes. */
function changedFields(booking: BookingDoc, patch: Partial<BookingFields>): string[] {
	const record = booking as unknown as Record<string, unknown>;
	return Object.entries(patch)
		.filter(([field, value]) => (record[field] ?? null) !== value)
		.map(([field]) => field);
}

async function applyPatch(
	this: BookingsService,
	ctx: PatchContext,
	booking: BookingDoc,
	next: BookingDoc,
	patch: Partial<BookingFields>,
): Promise<BookingDoc> {
	const changed = changedFields(booking, patch);
	if (changed.length === 0) return booking;

	// New keys first (a move into occupied nights fails here), old ones released after.
	const before = keysOf(booking);
	const after = keysOf(next);
	await claimKeys.call(
		this,
		booking._id,
		after.filter((key) => !before.includes(key)),
	);
	const event = buildEvent(ctx, "booking.updated", {
		accountId: booking.account_id,
		propertyId: booking.property_id,
		data: {
			booking_id: booking._id,
			changed_fields: changed,
			previous: previousOf(booking),
		},
	});
	const set = { ...pick(patch, changed), ...searchFields(next), updated_at: new Date() };
	const saved = await save.call(this, booking._id, set, event);
	await releaseKeys.call(
		this,
		booking._id,
		before.filter((key) => !after.includes(key)),
	);
	await this.flushOutbox("Booking", booking._id);
	// The tasks service moves the cleaning task when it consumes booking.updated.
	// TODO: access-code windows and SES re-communication (§5.8) — no service for them yet.
	return saved;
}

/** Cancels the booking (with any other patched fields) and frees its nights. */
export async function cancelBooking(
	this: BookingsService,
	ctx: RequestContext<unknown> | null,
	booking: BookingDoc,
	reason: CancelReason,
	patch: Partial<BookingFields> = {},
): Promise<BookingDoc> {
	const now = new Date();
	const event = buildEvent(ctx, "booking.cancelled", {
		accountId: booking.account_id,
		propertyId: booking.property_id,
		data: { booking_id: booking._id, reason, previous_status: booking.status },
	});
	const next = { ...booking, ...patch, status: "cancelled" } as BookingDoc;
	const set = {
		...patch,
		...searchFields(next),
		status: "cancelled",
		cancelled_at: now,
		updated_at: now,
	};
	const saved = await save.call(this, booking._id, set, event);
	await releaseKeys.call(this, booking._id, keysOf(booking));
	await this.flushOutbox("Booking", booking._id);
	this.logger.info(`Booking ${booking._id} cancelled (${reason})`);
	return saved;
}

const pick = (patch: Partial<BookingFields>, fields: string[]) =>
	Object.fromEntries(
		Object.entries(patch).filter(([field]) => fields.includes(field)),
	) as Partial<BookingFields>;

// TODO: two concurrent PATCHes of one booking both write; the later one wins field by field.
// The nights stay consistent (claims), but its event's `previous` may be stale — a version
// guard needs an atomic conditional update, which FerretDB 1.x does not guarantee.
async function save(
	this: BookingsService,
	id: string,
	set: Record<string, unknown>,
	event: DomainEvent<unknown>,
): Promise<BookingDoc> {
	await this.models.Booking.updateOne({ _id: id }, { $set: set, ...queueEvents(event) });
	return (await this.models.Booking.findById(id).lean<BookingDoc>()) as BookingDoc;
}
