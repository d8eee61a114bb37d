/** The public task link (§14.9, X11, X12): no login, rate limited per client IP. */
import type { ServiceActionsSchema } from "moleculer";
import { jobReport } from "../task-params";
import { completePublicTask, getPublicTask, startPublicTask } from "../public-tasks";

const tags = ["Tasks"];
/** Anything up to a sane length: the look-up, not the parameter rule, decides (404). */
const token = { type: "string", min: 1, max: 64 } as const;

export const publicActions: ServiceActionsSchema = {
	getPublic: {
		rest: "GET /tasks/public/:token",
		auth: "public",
		rateLimit: "public_link",
		params: { token },
		openapi: {
			summary: "Get a task by its public link",
			description: "Valid until 14 days after the task's to; 404 after, or once deleted.",
			tags,
			response: "PublicTask",
			errors: [404],
		},
		handler: getPublicTask,
	},

	startPublic: {
		rest: "POST /tasks/public/:token/start",
		auth: "public",
		rateLimit: "public_link",
		params: { token },
		openapi: {
			summary: "Start a task through its public link",
			tags,
			response: "PublicTask",
			errors: [403, 404, 409],
		},
		handler: startPublicTask,
	},

	completePublic: {
		rest: "POST /tasks/public/:token/complete",
		auth: "public",
		rateLimit: "public_link",
		params: { token, job_report: jobReport },
		openapi: {
			summary: "Complete a task through its public link",
			tags,
			response: "PublicTask",
			errors: [403, 404, 409],
		},
		handler: completePublicTask,
	},
};
