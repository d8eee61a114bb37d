/**
 * Tasks: cleaning turnovers created from bookings' events, and the crew's manual tasks, with
 * their workflow (start, complete), a public link for cleaners without an account, and their
 * lifecycle published as domain events.
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { consume } from "../../shared/mixins/events.mixin";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { calendarActions } from "./actions/calendar-actions";
import { internalActions } from "./actions/internal-actions";
import { publicActions } from "./actions/public-actions";
import { taskActions } from "./actions/task-actions";
import { onBookingCancelled, onBookingChanged } from "./auto-tasks";
import { defineTaskModels } from "./models";
import { taskComponents } from "./openapi-components";
import { onMemberRemoved, onPropertyDeleted, onPropertyUpdated } from "./property-reactions";
import type { TasksService } from "./service-types";
import { purgeTombstones } from "./task-lifecycle";

/** How often deleted tasks whose event has gone out are removed for good. */
const TOMBSTONE_PURGE_MS = 60_000;

const tasks: ServiceSchema<ServiceSettingSchema, TasksService> = {
	name: "tasks",
	mixins: domainServiceMixins(defineTaskModels),

	settings: {
		rest: "/",
		publishes: [
			"task.created",
			"task.updated",
			"task.started",
			"task.completed",
			"task.cancelled",
			"task.deleted",
		],
		outboxModels: ["Task"],
		openapiComponents: taskComponents,
	},

	actions: {
		...taskActions,
		...publicActions,
		...calendarActions,
		...internalActions,
	},

	channels: {
		// Both reduce to "match the booking's current stay" (auto-tasks.ts).
		"booking.created": consume<TasksService>(onBookingChanged),
		"booking.updated": consume<TasksService>(onBookingChanged),
		"booking.cancelled": consume<TasksService>(onBookingCancelled),
		"property.updated": consume<TasksService>(onPropertyUpdated),
		"property.deleted": consume<TasksService>(onPropertyDeleted),
		"member.removed": consume<TasksService>(onMemberRemoved),
	},

	started(this: TasksService) {
		this.tombstoneTimer = setInterval(() => {
			purgeTombstones
				.call(this)
				.catch((err: unknown) => this.logger.warn("Purging deleted tasks failed", err));
		}, TOMBSTONE_PURGE_MS);
		this.tombstoneTimer.unref();
	},

	stopped(this: TasksService) {
		if (this.tombstoneTimer) clearInterval(this.tombstoneTimer);
	},
};

export = tasks;
