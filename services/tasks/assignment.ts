/**
 * The assignment rule (§12): a task may go to the owner, a manager, or a staff or contractor
 * member whose services include the task's type. Anyone else is a 422 on `assigned_to`.
 */
import type { RequestContext } from "../../shared/context";
import { validationFailed } from "../../shared/errors";
import { resolveRole, type RoleAnswer } from "../../shared/permissions";
import type { TasksService } from "./service-types";

export const canTake = (answer: RoleAnswer | null, taskType: string) =>
	answer !== null &&
	(answer.role === "owner" || answer.role === "manager" || answer.services.includes(taskType));

export async function checkAssignee(
	this: TasksService,
	ctx: RequestContext<unknown>,
	propertyId: string,
	userId: string,
	taskType: string,
): Promise<void> {
	const answer = await resolveRole(ctx.broker, ctx, propertyId, userId);
	if (!canTake(answer, taskType)) {
		throw validationFailed([
			{
				field: "assigned_to",
				message: `Must be the owner, a manager, or crew covering ${taskType}.`,
			},
		]);
	}
}
