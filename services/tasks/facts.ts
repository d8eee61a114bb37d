/**
 * What a task response needs from other services, fetched once per page: its property's
 * facts (properties), its assignee's name (accounts) and, for cleaning tasks, the next stay
 * (bookings). Never guest personal data: the bookings side answers headcounts only.
 */
import type { ServiceBroker } from "moleculer";
import type { RequestContext } from "../../shared/context";
import { localToday } from "../../shared/local-dates";
import type { TaskDoc } from "./models";
import type { NextBookingContext, TaskPropertyFacts, TasksService } from "./service-types";

export interface UserName {
	id: string;
	first_name: string | null;
	last_name: string | null;
}

type Caller = RequestContext<unknown> | null;

function call<T>(broker: ServiceBroker, ctx: Caller, action: string, params: object) {
	return ctx ? ctx.call<T, object>(action, params) : broker.call<T, object>(action, params);
}

export async function propertyFacts(
	this: TasksService,
	ctx: Caller,
	ids: string[],
): Promise<Map<string, TaskPropertyFacts>> {
	const unique = [...new Set(ids)];
	if (unique.length === 0) return new Map();
	const facts = await call<TaskPropertyFacts[]>(this.broker, ctx, "properties.taskProperties", {
		ids: unique,
	});
	return new Map(facts.map((fact) => [fact.id, fact]));
}

export async function propertyFact(
	this: TasksService,
	ctx: Caller,
	id: string,
): Promise<TaskPropertyFacts | null> {
	return (await propertyFacts.call(this, ctx, [id])).get(id) ?? null;
}

export async function userNames(
	this: TasksService,
	ctx: Caller,
	ids: (string | null | undefined)[],
): Promise<Map<string, UserName>> {
	const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))];
	if (unique.length === 0) return new Map();
	const users = await call<UserName[]>(this.broker, ctx, "accounts.listUsersByIds", {
		ids: unique,
	});
	return new Map(users.map((user) => [user.id, user]));
}

export const fullName = (user: UserName | undefined) =>
	user ? [user.first_name, user.last_name].filter(Boolean).join(" ") || null : null;

/**
 * The next reservation after each task's local date, for the tasks given (cleaning tasks
 * only; the caller decides which views carry it). A bookings outage leaves it null rather
 * than failing the read: the context is a convenience for the cleaner.
 */
export async function nextBookings(
	this: TasksService,
	ctx: Caller,
	tasks: TaskDoc[],
	facts: Map<string, TaskPropertyFacts>,
): Promise<Map<string, NextBookingContext | null>> {
	const wanted = tasks.filter((t) => t.task_type === "cleaning" && facts.has(t.property_id));
	const answers = new Map<string, NextBookingContext | null>();
	if (wanted.length === 0) return answers;
	const queries = wanted.map((task) => ({
		propertyId: task.property_id,
		date: localToday((facts.get(task.property_id) as TaskPropertyFacts).timezone, task.from),
	}));
	try {
		const stays = await call<(NextBookingContext | null)[]>(
			this.broker,
			ctx,
			"bookings.nextStays",
			{ queries },
		);
		wanted.forEach((task, i) => answers.set(task._id, stays[i] ?? null));
	} catch (err) {
		this.logger.warn("Next-booking context unavailable; answering without it", err);
	}
	return answers;
}
