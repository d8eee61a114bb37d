/** The `this` of the tasks service's handlers, and what other services answer it. */
import type { EventsService } from "../../shared/mixins/events.mixin";
import type { TaskModels } from "./models";

export interface TasksService extends EventsService {
	models: TaskModels & EventsService["models"];
	/** Removes deleted tasks once their `task.deleted` is out (task-lifecycle.ts). */
	tombstoneTimer?: NodeJS.Timeout;
}

/** `properties.taskProperties`: what tasks show and schedule with, per property. */
export interface TaskPropertyFacts {
	id: string;
	account_id: string;
	owner_user_id: string;
	name: string;
	address: string;
	city: string;
	zip_code: string;
	timezone: string;
	checkin_time: string;
	checkout_time: string;
	/** The owner when the property has no default cleaner of its own. */
	default_cleaner_id: string;
	cover_image_url: string | null;
	deleted: boolean;
}

/** `bookings.stayOf`: one booking's stay, with its times resolved against the property. */
export interface BookingStay {
	id: string;
	property_id: string;
	type: "reservation" | "block";
	status: "pending" | "confirmed" | "cancelled";
	from: string;
	to: string;
	checkin_time: string;
	checkout_time: string;
	checkin_at: string;
	checkout_at: string;
}

/** NextBookingContext (§17.15): never guest personal data. */
export interface NextBookingContext {
	from: string;
	to: string;
	checkin_time: string;
	adults_count: number;
	children_count: number;
	infants_count: number;
	guests_number: number;
}
