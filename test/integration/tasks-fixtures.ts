/**
 * Shared set-up of the task suites: a stack with accounts, properties, bookings and tasks
 * (geo stood in), and a world of one property with a member of each role plus an outsider.
 * Staff clean; the contractor covers cleaning and maintenance, so both can be assigned the
 * cleaning tasks the suites create.
 */
import type { ServiceSchema } from "moleculer";
import accounts from "../../services/accounts/accounts.service";
import bookings from "../../services/bookings/bookings.service";
import properties from "../../services/properties/properties.service";
import tasks from "../../services/tasks/tasks.service";
import { client } from "../helpers/http";
import { startStack, type Stack, type StackOptions } from "../helpers/stack";
import {
	createProperty,
	geoStub,
	join,
	registerUser,
	type Http,
	type TestUser,
} from "./properties-fixtures";

export const TASK_ROLES = ["owner", "manager", "staff", "contractor"] as const;
export type TaskRole = (typeof TASK_ROLES)[number];

export interface TaskWorld {
	http: Http;
	stack: Stack;
	owner: TestUser;
	manager: TestUser;
	staff: TestUser;
	contractor: TestUser;
	/** Registered, with no role on the property. */
	outsider: TestUser;
	propertyId: string;
}

export async function startTasksStack(
	label: string,
	extra: ServiceSchema[] = [],
	options: StackOptions = {},
): Promise<{ stack: Stack; http: Http }> {
	const stack = await startStack(
		label,
		[accounts, geoStub, properties, bookings, tasks, ...extra],
		options,
	);
	return { stack, http: client(stack.url) };
}

let worlds = 0;

/** One more property with its own users, on a running stack. */
export async function addWorld(
	stack: Stack,
	http: Http,
	prefix: string,
	property: Record<string, unknown> = {},
): Promise<TaskWorld> {
	const n = ++worlds;
	const user = (name: string) => registerUser(http, `${prefix}-${n}-${name}`);
	const [owner, manager, staff, contractor, outsider] = await Promise.all(
		["owner", "manager", "staff", "contractor", "outsider"].map(user),
	);
	const created = await createProperty(http, owner, { airbnb_ical_url: null, ...property });
	await join(http, owner, created.id, manager, "manager");
	await join(http, owner, created.id, staff, "staff", ["cleaning"]);
	await join(http, owner, created.id, contractor, "contractor", ["cleaning", "maintenance"]);
	return { http, stack, owner, manager, staff, contractor, outsider, propertyId: created.id };
}

/** A stack of its own and a first world on it; `world.stack.stop()` ends it. */
export async function buildTaskWorld(label: string, extra: ServiceSchema[] = []) {
	const { stack, http } = await startTasksStack(label, extra);
	return addWorld(stack, http, label);
}

/** An instant `days` from now at a whole hour (UTC), as an ISO string. */
export function instantIn(days: number, hour = 10): string {
	const date = new Date(Date.now() + days * 86_400_000);
	date.setUTCHours(hour, 0, 0, 0);
	return date.toISOString();
}

/** A valid task creation body for the world's property; fields can be overridden. */
export function taskBody(
	world: Pick<TaskWorld, "propertyId">,
	overrides: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		property_id: world.propertyId,
		task_type: "cleaning",
		from: instantIn(3, 10),
		to: instantIn(3, 13),
		notes: "Change all linen",
		...overrides,
	};
}

/** Creates a task as `user` (the owner by default); throws unless it answers 201. */
export async function createTask(
	world: TaskWorld,
	overrides: Record<string, unknown> = {},
	user: TestUser = world.owner,
): Promise<any> {
	const res = await world.http.post("/v1/tasks", {
		token: user.token,
		body: taskBody(world, overrides),
	});
	if (res.status !== 201) throw new Error(`create task: ${res.status} ${res.text}`);
	return res.body;
}

/** A reservation body for the bookings API; dates are property-local `YYYY-MM-DD`. */
export function bookingBody(
	from: string,
	to: string,
	overrides: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		from,
		to,
		guest_first_name: "Ana",
		guest_last_name: "Pérez",
		guest_email: "ana@example.es",
		guest_phone: "+34 600 000 000",
		adults_count: 2,
		children_count: 1,
		...overrides,
	};
}

/** Creates a booking on the world's property as the owner; throws unless it answers 201. */
export async function createBooking(
	world: TaskWorld,
	from: string,
	to: string,
	overrides: Record<string, unknown> = {},
): Promise<any> {
	const res = await world.http.post(`/v1/properties/${world.propertyId}/bookings`, {
		token: world.owner.token,
		body: bookingBody(from, to, overrides),
	});
	if (res.status !== 201) throw new Error(`create booking: ${res.status} ${res.text}`);
	return res.body;
}

/** `YYYY-MM-DD`, `days` from today (UTC). */
export const dateIn = (days: number) =>
	new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The tasks service instance, for tests that age or inspect stored documents. */
export function tasksService(stack: Stack): any {
	return stack.brokers.get("tasks")?.getLocalService("tasks");
}
