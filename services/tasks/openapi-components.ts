/** Response schemas the tasks service contributes to the OpenAPI document (§17.15, §17.16). */
import { PROPERTY_ROLES } from "../../shared/permissions";
import { TASK_STATUSES, TASK_TYPES } from "./models";

const nullable = (schema: object) => ({ ...schema, nullable: true });
const string = { type: "string" };
const integer = { type: "integer" };
const boolean = { type: "boolean" };
const instant = { type: "string", format: "date-time" };
const date = { type: "string", format: "date" };
const time = { type: "string", pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$" };
const uuid = { type: "string", format: "uuid" };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Record<string, object>) => ({
	type: "object",
	required: Object.keys(properties),
	properties,
});
const OWNER = "Owner only; null for everyone else.";

const taskProperty = object({
	id: uuid,
	name: string,
	address: string,
	city: string,
	timezone: string,
});

const nextBooking = object({
	from: date,
	to: date,
	checkin_time: time,
	adults_count: integer,
	children_count: integer,
	infants_count: integer,
	guests_number: integer,
});

const taskAccess = object({
	role: { type: "string", enum: PROPERTY_ROLES },
	can_update: boolean,
	can_update_job_report: boolean,
	can_start: boolean,
	can_complete: boolean,
	can_delete: boolean,
});

const task = object({
	id: uuid,
	property: ref("TaskProperty"),
	task_type: { type: "string", enum: TASK_TYPES },
	status: { type: "string", enum: TASK_STATUSES },
	assigned_to: nullable(uuid),
	assigned_to_name: nullable(string),
	from: instant,
	to: instant,
	booking_id: nullable({ ...uuid, description: OWNER }),
	notes: nullable(string),
	job_report: nullable(string),
	started_at: nullable(instant),
	completed_at: nullable(instant),
	cancelled_at: nullable({ ...instant, description: OWNER }),
	created_at: nullable({ ...instant, description: OWNER }),
	auto_created: boolean,
	next_booking: nullable({ ...ref("NextBookingContext"), description: "Cleaning tasks." }),
	access: ref("TaskAccess"),
	public_token: nullable({ ...string, description: "Owner, managers and the assignee." }),
});

const stripped = {
	...object({ id: uuid, from: instant, to: instant, property: ref("TaskProperty") }),
	additionalProperties: false,
};

const publicTask = object({
	id: uuid,
	task_type: { type: "string", enum: TASK_TYPES },
	status: { type: "string", enum: TASK_STATUSES },
	from: instant,
	to: instant,
	notes: nullable(string),
	job_report: nullable(string),
	started_at: nullable(instant),
	completed_at: nullable(instant),
	assigned_to_name: nullable({ ...string, description: "First name only." }),
	property: object({
		name: string,
		address: string,
		city: string,
		zip_code: string,
		timezone: string,
		cover_image_url: nullable(string),
	}),
	next_booking: nullable(ref("NextBookingContext")),
	can_start: boolean,
	can_complete: boolean,
});

export const taskComponents = {
	Task: task,
	TaskStripped: stripped,
	TaskItem: {
		description: "A Task, or the TaskStripped item staff and contractors get for others'.",
		oneOf: [ref("Task"), ref("TaskStripped")],
	},
	TaskProperty: taskProperty,
	NextBookingContext: nextBooking,
	TaskAccess: taskAccess,
	PublicTask: publicTask,
};
