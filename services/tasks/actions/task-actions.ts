/** Tasks operations (§14.1–§14.8). Who may do what on a task is checked by its handler. */
import type { ServiceActionsSchema } from "moleculer";
import { uuidParam } from "../../../shared/params";
import { ANY_ROLE, OWNER_OR_MANAGER } from "../../../shared/permissions";
import { createTask } from "../task-create";
import { completeHandler, deleteHandler, startHandler } from "../task-lifecycle";
import { createTaskParams, jobReport, listParams, patchTaskParams } from "../task-params";
import { getTask, listPropertyTasks, listTasks } from "../task-reads";
import { patchTask } from "../task-update";

const tags = ["Tasks"];

export const taskActions: ServiceActionsSchema = {
	list: {
		rest: "GET /tasks",
		params: { ...listParams, property_id: { type: "uuid", optional: true } },
		openapi: {
			summary: "List tasks across accessible properties",
			description:
				"Tasks where the caller is owner or manager, plus those assigned to the caller; " +
				"with property_id, that property's list (an empty page without a role there). " +
				"Ordered by from, then id.",
			tags,
			response: "page:TaskItem:tasks",
		},
		handler: listTasks,
	},

	listForProperty: {
		rest: "GET /properties/:id/tasks",
		params: { id: uuidParam, ...listParams },
		propertyAccess: { param: "id", roles: ANY_ROLE },
		openapi: {
			summary: "List tasks for a property",
			description: "Staff get others' tasks stripped; contractors only their own.",
			tags,
			response: "page:TaskItem:tasks",
			errors: [404],
		},
		handler: listPropertyTasks,
	},

	create: {
		rest: "POST /tasks",
		params: createTaskParams,
		propertyAccess: { param: "property_id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Create a task",
			tags,
			response: "Task",
			status: 201,
			errors: [404],
		},
		handler: createTask,
	},

	get: {
		rest: "GET /tasks/:id",
		params: { id: uuidParam },
		openapi: {
			summary: "Get a task",
			description: "Staff and contractors get the stripped item for others' tasks.",
			tags,
			response: "TaskItem",
			errors: [404],
		},
		handler: getTask,
	},

	update: {
		rest: "PATCH /tasks/:id",
		params: patchTaskParams,
		openapi: {
			summary: "Update a task",
			description:
				"JSON Merge Patch. The owner may change every field; a manager or the " +
				"assignee only job_report.",
			tags,
			response: "Task",
			errors: [404, 409],
		},
		handler: patchTask,
	},

	remove: {
		rest: "DELETE /tasks/:id",
		params: { id: uuidParam },
		openapi: {
			summary: "Delete a task",
			description: "Only pending or cancelled tasks; the public link stops working.",
			tags,
			status: 204,
			errors: [404, 409],
		},
		handler: deleteHandler,
	},

	start: {
		rest: "POST /tasks/:id/start",
		params: { id: uuidParam },
		openapi: {
			summary: "Start a task",
			description: "The assignee or the owner; pending → in_progress.",
			tags,
			response: "Task",
			errors: [404, 409],
		},
		handler: startHandler,
	},

	complete: {
		rest: "POST /tasks/:id/complete",
		params: { id: uuidParam, job_report: jobReport },
		openapi: {
			summary: "Complete a task",
			description: "The assignee or the owner; in_progress → completed.",
			tags,
			response: "Task",
			errors: [404, 409],
		},
		handler: completeHandler,
	},
};
