/**
 * No double booking without transactions (§5.0). Every active booking holds one claim per key
 * it needs exclusively: each night of a pending or confirmed reservation, and its channel
 * reference when it has one. A claim is a document whose `_id` is the key, so a unique-index
 * insert decides between concurrent writers on any replica, on FerretDB and on MongoDB alike.
 *
 * FerretDB evaluates a conditional update's filter and applies it in separate steps (a guarded
 * `$inc` was seen to overshoot its limit), so "check, then write" is never used here.
 *
 * Order of writes: claim the new keys first, then write the booking, then release keys the
 * booking no longer needs. A crash between those steps leaves a claim that no booking wants;
 * `isStale` lets the next writer take it over once it is older than STALE_AFTER_MS, which is
 * far longer than any request holds a claim before writing its booking.
 */
import { ApiError, type ErrorDetail } from "../../shared/errors";
import type { BookingDoc } from "./models";
import { nightsBetween } from "../../shared/local-dates";
import type { BookingsService } from "./service-types";

const STALE_AFTER_MS = 60_000;
const DUPLICATE_KEY = 11000;

type ClaimShape = Pick<
	BookingDoc,
	"property_id" | "type" | "status" | "from" | "to" | "channel" | "channel_id"
>;

const channelKey = (b: ClaimShape) => `${b.property_id}:channel:${b.channel}:${b.channel_id}`;
const isNightKey = (key: string) => !key.includes(":channel:");

/** The keys a booking in this state must hold. */
export function keysOf(booking: ClaimShape): string[] {
	if (booking.status === "cancelled") return [];
	const keys =
		booking.type === "reservation"
			? nightsBetween(booking.from, booking.to).map(
					(night) => `${booking.property_id}:${night}`,
				)
			: [];
	if (booking.channel_id) keys.push(channelKey(booking));
	return keys;
}

function isDuplicateKey(err: unknown): boolean {
	const e = err as { code?: number; writeErrors?: { code?: number }[] };
	return e?.code === DUPLICATE_KEY || !!e?.writeErrors?.some((w) => w.code === DUPLICATE_KEY);
}

/**
 * Takes `keys` for the booking, all or nothing. On a conflict it gives back what it took and
 * throws 409 BOOKING_OVERLAP (a night) or DUPLICATE_CHANNEL_ID (the channel reference).
 */
export async function claimKeys(
	this: BookingsService,
	bookingId: string,
	keys: string[],
	retried = false,
): Promise<void> {
	if (keys.length === 0) return;
	const { NightClaim } = this.models;
	const now = new Date();
	// Every writer inserts in the same (sorted) order and stops at its first duplicate, like
	// taking locks in a fixed order: a loser never holds a key beyond the one it lost on, so
	// among overlapping concurrent writers at least one wins. Unordered inserts could let
	// two writers each take a night the other needs, and both would lose.
	const ordered = [...keys].sort();
	try {
		await NightClaim.insertMany(
			ordered.map((key) => ({ _id: key, booking_id: bookingId, claimed_at: now })),
			{ ordered: true },
		);
		return;
	} catch (err) {
		if (!isDuplicateKey(err)) throw err;
	}
	await NightClaim.deleteMany({ _id: { $in: keys }, booking_id: bookingId });

	const held = await NightClaim.find({ _id: { $in: keys }, booking_id: { $ne: bookingId } }).lean<
		{ _id: string; booking_id: string; claimed_at: Date }[]
	>();
	const stale = [];
	for (const claim of held) if (await isStale.call(this, claim)) stale.push(claim);
	if (!retried && stale.length > 0 && stale.length === held.length) {
		for (const claim of stale) {
			await NightClaim.deleteOne({ _id: claim._id, booking_id: claim.booking_id });
		}
		this.logger.warn(`Took over ${stale.length} stale claims for booking ${bookingId}`);
		return claimKeys.call(this, bookingId, keys, true);
	}
	throw await conflictError.call(this, held);
}

/** Gives back keys the booking no longer needs. */
export async function releaseKeys(this: BookingsService, bookingId: string, keys: string[]) {
	if (keys.length === 0) return;
	await this.models.NightClaim.deleteMany({ _id: { $in: keys }, booking_id: bookingId });
}

/** A claim left by a crash: old, and its booking is missing or no longer wants the key. */
async function isStale(
	this: BookingsService,
	claim: { _id: string; booking_id: string; claimed_at: Date },
): Promise<boolean> {
	if (Date.now() - new Date(claim.claimed_at).getTime() < STALE_AFTER_MS) return false;
	const owner = await this.models.Booking.findById(claim.booking_id).lean<BookingDoc>();
	return !owner || !keysOf(owner).includes(claim._id);
}

async function conflictError(
	this: BookingsService,
	held: { _id: string; booking_id: string }[],
): Promise<ApiError> {
	const nights = held.filter((claim) => isNightKey(claim._id));
	if (nights.length === 0 && held.length > 0) {
		return new ApiError(
			409,
			"DUPLICATE_CHANNEL_ID",
			"An active booking of this channel already uses this channel_id.",
			[{ field: "channel_id", message: `Used by booking ${held[0].booking_id}` }],
		);
	}
	const ids = [...new Set(nights.map((claim) => claim.booking_id))];
	const others = await this.models.Booking.find({ _id: { $in: ids } })
		.select("_id from to")
		.lean<Pick<BookingDoc, "_id" | "from" | "to">[]>();
	const details: ErrorDetail[] = others.map((other) => ({
		field: null,
		message: `Overlaps booking ${other._id} (${other.from} to ${other.to})`,
	}));
	return new ApiError(
		409,
		"BOOKING_OVERLAP",
		"The reservation overlaps another active reservation on the property.",
		details,
	);
}
