/**
 * The window of a booking's automatic cleaning task (§14.11): from the check-out instant to
 * the property's check-in time on the check-out date, or three hours when that is not later.
 */
import { localInstant } from "../../shared/local-dates";
import type { BookingStay, TaskPropertyFacts } from "./service-types";

const FALLBACK_MS = 3 * 3_600_000;

export function autoWindow(stay: BookingStay, property: TaskPropertyFacts) {
	const from = new Date(stay.checkout_at);
	const checkin = localInstant(stay.to, property.checkin_time, property.timezone);
	const to =
		checkin.getTime() > from.getTime() ? checkin : new Date(from.getTime() + FALLBACK_MS);
	return { from, to };
}
