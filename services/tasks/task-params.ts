/**
 * Parameter rules of the task body (§14.2, §14.5, §14.7) and list queries (§14.1). Patterns
 * are strings, never RegExp objects: action definitions travel through the registry as JSON.
 */
import { optionalDateParam, optionalText, pagination } from "../../shared/params";
import { TASK_STATUSES, TASK_TYPES } from "./models";

/** An ISO 8601 instant with an explicit offset; the handler checks it is a real one. */
const INSTANT_PATTERN =
	"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$";

const instant = {
	type: "string",
	trim: true,
	pattern: INSTANT_PATTERN,
	messages: { stringPattern: "Use an ISO 8601 instant, e.g. 2025-07-04T09:00:00Z." },
} as const;

const nullableUuid = { type: "uuid", optional: true, nullable: true } as const;

export const jobReport = optionalText(10_000);

export const createTaskParams = {
	property_id: { type: "uuid" },
	task_type: { type: "enum", values: TASK_TYPES },
	from: instant,
	to: instant,
	booking_id: nullableUuid,
	assigned_to: nullableUuid,
	notes: optionalText(5000),
} as const;

/** Every field optional (JSON Merge Patch); who may send which is decided by the handler. */
export const patchTaskParams = {
	id: { type: "uuid" },
	assigned_to: nullableUuid,
	notes: optionalText(5000),
	status: { type: "enum", values: TASK_STATUSES, optional: true },
	job_report: jobReport,
	from: { ...instant, optional: true },
	to: { ...instant, optional: true },
} as const;

/** Filters of both task lists (§14.1, §14.8). */
export const listParams = {
	...pagination(),
	assigned_to: {
		type: "string",
		optional: true,
		pattern:
			"^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$",
		messages: { stringPattern: "A user id, or me." },
	},
	status: { type: "enum", values: TASK_STATUSES, optional: true },
	task_type: { type: "enum", values: TASK_TYPES, optional: true },
	scheduled_from: optionalDateParam,
	scheduled_to: optionalDateParam,
	include_cancelled: { type: "boolean", convert: true, optional: true, default: false },
} as const;

export interface TaskBody {
	property_id?: string;
	task_type?: string;
	from?: string;
	to?: string;
	booking_id?: string | null;
	assigned_to?: string | null;
	notes?: string | null;
	status?: string;
	job_report?: string | null;
}

export interface ListQuery {
	page: number;
	size: number;
	assigned_to?: string;
	status?: string;
	task_type?: string;
	scheduled_from?: string;
	scheduled_to?: string;
	include_cancelled: boolean;
	property_id?: string;
}
