/** Response schemas of the calendar views (§17.14) for the OpenAPI document. */
import { CHANNELS } from "./booking-params";

const nullable = (schema: object) => ({ ...schema, nullable: true });
const string = { type: "string" };
const uuid = { type: "string", format: "uuid" };
const date = { type: "string", format: "date" };
const instant = { type: "string", format: "date-time" };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Record<string, object>) => ({
	type: "object",
	required: Object.keys(properties),
	properties,
});

const calendarEvent = object({
	id: { ...uuid, description: "Booking or task id" },
	type: { type: "string", enum: ["booking", "task", "blocked"] },
	property_id: uuid,
	title: string,
	status: nullable(string),
	from: date,
	to: date,
	start_at: instant,
	end_at: instant,
	channel: nullable({ type: "string", enum: CHANNELS }),
	guests_number: nullable({ type: "integer" }),
	guest_name: nullable({ ...string, description: "Owners and managers only." }),
	booking_id: nullable(uuid),
	task_type: nullable(string),
	assigned_to: nullable(uuid),
	assigned_to_name: nullable(string),
});

export const calendarComponents = {
	CalendarEvent: calendarEvent,
	PropertyCalendar: object({
		property_id: uuid,
		timezone: string,
		from: date,
		to: date,
		events: { type: "array", items: ref("CalendarEvent") },
	}),
	AccountCalendar: object({
		from: date,
		to: date,
		properties: {
			type: "array",
			items: object({
				property: object({
					id: uuid,
					name: string,
					timezone: string,
					role: { type: "string", enum: ["owner", "manager", "staff", "contractor"] },
					cover_image_url: nullable(string),
				}),
				events: { type: "array", items: ref("CalendarEvent") },
			}),
		},
	}),
};
