/**
 * Bookings: the reservations and blocks of each property, kept free of double bookings by
 * per-night claims (claims.ts), with their lifecycle published as domain events, and the
 * bookings imported from each property's Airbnb and Booking.com iCal feeds (ical/).
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { consume } from "../../shared/mixins/events.mixin";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { bookingActions } from "./actions/booking-actions";
import { calendarActions } from "./actions/calendar-actions";
import { internalActions } from "./actions/internal-actions";
import { calendarComponents } from "./calendar-components";
import { onTaskCreated, onTaskDeleted } from "./cleaning-task";
import { onPropertyChanged } from "./ical/feeds";
import { startSchedule } from "./ical/schedule";
import { defineBookingModels } from "./models";
import { bookingComponents } from "./openapi-components";
import { onPropertyDeleted } from "./property-deleted";
import type { BookingsService } from "./service-types";

const bookings: ServiceSchema<ServiceSettingSchema, BookingsService> = {
	name: "bookings",
	mixins: domainServiceMixins(defineBookingModels),

	settings: {
		rest: "/",
		publishes: ["booking.created", "booking.updated", "booking.cancelled", "ical.synced"],
		outboxModels: ["Booking"],
		openapiComponents: { ...bookingComponents, ...calendarComponents },
	},

	actions: {
		...bookingActions,
		...calendarActions,
		...internalActions,
	},

	channels: {
		"property.deleted": consume<BookingsService>(onPropertyDeleted),
		// Feeds follow the property's iCal URLs (ical/feeds.ts).
		"property.created": consume<BookingsService>(onPropertyChanged),
		"property.updated": consume<BookingsService>(onPropertyChanged),
		// Each booking names its cleaning task (cleaning-task.ts).
		"task.created": consume<BookingsService>(onTaskCreated),
		"task.deleted": consume<BookingsService>(onTaskDeleted),
	},

	started(this: BookingsService) {
		this.icalTimer = startSchedule.call(this);
	},

	stopped(this: BookingsService) {
		if (this.icalTimer) clearInterval(this.icalTimer);
	},
};

export = bookings;
