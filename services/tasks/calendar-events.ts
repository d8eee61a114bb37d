/**
 * Task items of the calendar views (§6, §17.14), asked by the bookings service, which owns
 * the calendars: owners see every non-cancelled task, managers every task without its
 * booking, staff their own tasks and the others stripped, contractors their own tasks only.
 */
import type { PropertyRole } from "../../shared/permissions";
import { addDays, localDate } from "../../shared/local-dates";
import { fullName, userNames, type UserName } from "./facts";
import type { TaskDoc } from "./models";
import type { TasksService } from "./service-types";

export interface CalendarProperty {
	id: string;
	role: PropertyRole;
	timezone: string;
}

export interface CalendarEventsQuery {
	userId: string;
	properties: CalendarProperty[];
	/** Property-local dates, inclusive. */
	from: string;
	to: string;
}

const TYPE_LABELS: Record<string, string> = {
	cleaning: "Cleaning",
	maintenance: "Maintenance",
	pool: "Pool",
	gardening: "Gardening",
};

/** What staff see of someone else's task: when and where, nothing more (§6). */
const STRIPPED_TITLE = "Task";

/**
 * Local dates depend on each property's zone, so the database is asked for a window a day
 * wider on each side (no zone is a day away from UTC) and the exact rule applied here.
 */
function widenedWindow(from: string, to: string) {
	return {
		from: { $lt: new Date(`${addDays(to, 2)}T00:00:00Z`) },
		to: { $gte: new Date(`${addDays(from, -1)}T00:00:00Z`) },
	};
}

function taskEvent(
	task: TaskDoc,
	property: CalendarProperty,
	userId: string,
	names: Map<string, UserName>,
) {
	const own = task.assigned_to === userId;
	const stripped = property.role === "staff" && !own;
	const base = {
		id: task._id,
		type: "task" as const,
		property_id: task.property_id,
		from: localDate(task.from, property.timezone),
		to: localDate(task.to, property.timezone),
		start_at: task.from.toISOString(),
		end_at: task.to.toISOString(),
		channel: null,
		guests_number: null,
		guest_name: null,
	};
	if (stripped) {
		return {
			...base,
			title: STRIPPED_TITLE,
			status: null,
			booking_id: null,
			task_type: null,
			assigned_to: null,
			assigned_to_name: null,
		};
	}
	const assigneeName = task.assigned_to ? fullName(names.get(task.assigned_to)) : null;
	return {
		...base,
		title: TYPE_LABELS[task.task_type] ?? task.task_type,
		status: task.status,
		booking_id: property.role === "owner" ? (task.booking_id ?? null) : null,
		task_type: task.task_type,
		assigned_to: task.assigned_to ?? null,
		assigned_to_name: assigneeName,
	};
}

/** `tasks.calendarEvents`: the task events of each property, keyed by property id. */
export async function calendarEvents(this: TasksService, query: CalendarEventsQuery) {
	const byProperty: Record<string, ReturnType<typeof taskEvent>[]> = {};
	for (const property of query.properties) byProperty[property.id] = [];
	if (query.properties.length === 0) return byProperty;

	// Contractors see only what is assigned to them; everyone else sees the property's tasks.
	const scopes = query.properties.map((p) =>
		p.role === "contractor"
			? { property_id: p.id, assigned_to: query.userId }
			: { property_id: p.id },
	);
	const tasks = await this.models.Task.find({
		$or: scopes,
		deleted_at: null,
		status: { $ne: "cancelled" },
		...widenedWindow(query.from, query.to),
	})
		.select("-outbox -public_token_sealed -public_token_hash")
		.lean<TaskDoc[]>();

	const properties = new Map(query.properties.map((p) => [p.id, p]));
	const names = await userNames.call(
		this,
		null,
		tasks.map((t) => t.assigned_to),
	);
	for (const task of tasks) {
		const property = properties.get(task.property_id);
		if (!property) continue;
		const event = taskEvent(task, property, query.userId, names);
		if (event.from <= query.to && event.to >= query.from)
			byProperty[task.property_id].push(event);
	}
	return byProperty;
}
