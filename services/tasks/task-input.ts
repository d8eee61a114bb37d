/** Checks of a task's window and booking that the parameter rules cannot express (§14.2). */
import type { RequestContext } from "../../shared/context";
import { isValidDate } from "../../shared/local-dates";
import { validationFailed, type ErrorDetail } from "../../shared/errors";
import type { BookingStay } from "./service-types";

const MAX_WINDOW_MS = 31 * 86_400_000;

/** A parsed instant, or a detail naming the field when it is not a real one. */
export function parseInstant(field: string, value: string, details: ErrorDetail[]): Date {
	const date = new Date(value);
	// Date rolls 02-30 over into March: the calendar date must exist as written.
	if (Number.isNaN(date.getTime()) || !isValidDate(value.slice(0, 10))) {
		details.push({ field, message: "Not a real instant." });
	}
	return date;
}

export function checkWindow(from: Date, to: Date): void {
	const details: ErrorDetail[] = [];
	if (to.getTime() <= from.getTime()) {
		details.push({ field: "to", message: "Must be after from." });
	} else if (to.getTime() - from.getTime() > MAX_WINDOW_MS) {
		details.push({ field: "to", message: "At most 31 days after from." });
	}
	if (details.length > 0) throw validationFailed(details);
}

/** `booking_id` must name a reservation of the same property. */
export async function checkBooking(
	ctx: RequestContext<unknown>,
	bookingId: string,
	propertyId: string,
): Promise<string> {
	const id = bookingId.toLowerCase();
	const stay = await ctx.call<BookingStay | null, { bookingId: string }>("bookings.stayOf", {
		bookingId: id,
	});
	if (!stay || stay.property_id !== propertyId || stay.type !== "reservation") {
		throw validationFailed([
			{ field: "booking_id", message: "Must be a reservation of the same property." },
		]);
	}
	return id;
}
