/** Bookings operations (§5.1–§5.6). */
import type { ServiceActionsSchema } from "moleculer";
import { uuidParam } from "../../../shared/params";
import { ANY_ROLE, OWNER_OR_MANAGER } from "../../../shared/permissions";
import { createBooking } from "../booking-create";
import { createBookingParams, listParams, patchBookingParams } from "../booking-params";
import {
	currentBooking,
	getBooking,
	listAllBookings,
	listPropertyBookings,
} from "../booking-reads";
import { patchBooking } from "../booking-update";

const tags = ["Bookings"];
/** Staff read redacted bookings; contractors get 403 on every property-scoped booking read. */
const READERS = ANY_ROLE.filter((role) => role !== "contractor");

export const bookingActions: ServiceActionsSchema = {
	current: {
		rest: "GET /properties/:id/bookings/current",
		params: { id: uuidParam },
		propertyAccess: { param: "id", roles: READERS },
		openapi: {
			summary: "Get the current booking",
			description: "204 with no body when no stay is in progress.",
			tags,
			response: "Booking",
			errors: [403, 404],
		},
		handler: currentBooking,
	},

	listForProperty: {
		rest: "GET /properties/:id/bookings",
		params: { id: uuidParam, ...listParams },
		propertyAccess: { param: "id", roles: READERS },
		openapi: {
			summary: "List bookings for a property",
			description: "Ordered by check-in (or check-out), then id. Staff get redacted items.",
			tags,
			response: "page:Booking:bookings",
			errors: [403, 404],
		},
		handler: listPropertyBookings,
	},

	create: {
		rest: "POST /properties/:id/bookings",
		params: createBookingParams,
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Create a booking",
			tags,
			response: "Booking",
			status: 201,
			errors: [403, 404, 409],
		},
		handler: createBooking,
	},

	list: {
		rest: "GET /bookings",
		params: { ...listParams, propertyId: { type: "uuid", optional: true } },
		openapi: {
			summary: "List bookings across accessible properties",
			description: "Contractors' properties are left out; staff get redacted items.",
			tags,
			response: "page:Booking:bookings",
		},
		handler: listAllBookings,
	},

	get: {
		rest: "GET /bookings/:id",
		params: { id: uuidParam },
		openapi: {
			summary: "Get a booking",
			tags,
			response: "Booking",
			errors: [403, 404],
		},
		handler: getBooking,
	},

	update: {
		rest: "PATCH /bookings/:id",
		params: patchBookingParams,
		openapi: {
			summary: "Update a booking",
			description: "JSON Merge Patch over the create fields; type is immutable.",
			tags,
			response: "Booking",
			errors: [403, 404, 409],
		},
		handler: patchBooking,
	},
};
