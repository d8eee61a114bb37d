/**
 * Bookings: the reservations and blocks of each property, kept free of double bookings by
 * per-night claims (claims.ts), with their lifecycle published as domain events.
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { consume } from "../../shared/mixins/events.mixin";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { bookingActions } from "./actions/booking-actions";
import { calendarActions } from "./actions/calendar-actions";
import { internalActions } from "./actions/internal-actions";
import { calendarComponents } from "./calendar-components";
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
		openapiComponents: { ...bookingComponents, ...calendarComponents },
	},

	actions: {
		...bookingActions,
		...calendarActions,
		...internalActions,
		// TODO: iCal import (§11.11) is the rest of issue 5: it writes bookings through the same
		// claims with `source: "ical"` and `has_conflict` instead of a 409.
	},

	channels: {
		"property.deleted": consume<BookingsService>(onPropertyDeleted),
	},
};

export = bookings;
