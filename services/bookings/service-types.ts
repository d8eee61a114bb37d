/** The `this` of the bookings service's handlers. */
import type { EventsService } from "../../shared/mixins/events.mixin";
import type { BookingModels } from "./models";

export interface BookingsService extends EventsService {
	models: BookingModels & EventsService["models"];
	/** The iCal import's schedule ticker (ical/schedule.ts). */
	icalTimer?: NodeJS.Timeout;
}

/** What `properties.scheduleOf` answers: the property facts bookings need. */
export interface PropertySchedule {
	account_id: string;
	timezone: string;
	checkin_time: string;
	checkout_time: string;
}
