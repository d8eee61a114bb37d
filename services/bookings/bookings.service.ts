/**
 * Bookings: the reservations and blocks of each property, kept free of double bookings by
 * per-night claims (claims.ts), with their lifecycle published as domain events.
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { consume } from "../../shared/mixins/events.mixin";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { bookingActions } from "./actions/booking-actions";
import { internalActions } from "./actions/internal-actions";
import { defineBookingModels } from "./models";
import { bookingComponents } from "./openapi-components";
import { onPropertyDeleted } from "./property-deleted";
import type { BookingsService } from "./service-types";

const bookings: ServiceSchema<ServiceSettingSchema, BookingsService> = {
	name: "bookings",
	mixins: domainServiceMixins(defineBookingModels),

	settings: {
		rest: "/",
		publishes: ["booking.created", "booking.updated", "booking.cancelled"],
		outboxModels: ["Booking"],
		openapiComponents: bookingComponents,
	},

	actions: {
		...bookingActions,
		...internalActions,
		// TODO: the calendar views (§6.1, §6.2), iCal import (§11.11) and the iCal export feed
		// (X7–X9) are the rest of issue 5: they read these bookings, and import writes them
		// through the same claims with `source: "ical"` and `has_conflict` instead of a 409.
	},

	channels: {
		"property.deleted": consume<BookingsService>(onPropertyDeleted),
	},
};

export = bookings;
