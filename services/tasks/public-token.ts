/**
 * The public link of a task (§14.9): a 130-bit Crockford token, kept sealed (owners, managers
 * and the assignee see it) next to the SHA-256 of its upper-case form, which is all a look-up
 * uses. It works until 14 days after the task's `to`, and not at all once the task is deleted.
 *
 * A wrong token must not answer faster than a right one: every look-up waits until a floor
 * (`PUBLIC_LINK_MIN_RESPONSE_MS`) has passed since it began, whatever it found.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { config } from "../../shared/config";
import { notFound } from "../../shared/errors";
import { constantTimeEqual, newPublicCode, sha256Hex } from "../../shared/ids";
import { keyFrom, seal } from "../../shared/secrets";
import type { TaskDoc } from "./models";
import type { TasksService } from "./service-types";

const VALID_AFTER_TO_MS = 14 * 86_400_000;
const TOKEN_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const normalise = (token: string) => token.trim().toUpperCase();

/** The stored fields of a new token. */
export function newTokenFields() {
	const token = newPublicCode();
	return {
		public_token_hash: sha256Hex(token),
		public_token_sealed: seal(token, keyFrom(config().secretsKey)),
	};
}

/** True while the link of the task still works. */
export const linkValid = (task: TaskDoc, now = Date.now()) =>
	!task.deleted_at && new Date(task.to).getTime() + VALID_AFTER_TO_MS > now;

async function find(this: TasksService, token: string): Promise<TaskDoc | null> {
	const upper = normalise(token);
	// Malformed tokens still cost one indexed look-up, so their timing tells nothing either.
	const hash = sha256Hex(TOKEN_PATTERN.test(upper) ? upper : `invalid:${upper}`);
	const task = await this.models.Task.findOne({ public_token_hash: hash }).lean<TaskDoc>();
	if (!task || !constantTimeEqual(task.public_token_hash, hash) || !linkValid(task)) {
		return null;
	}
	return task;
}

/**
 * Runs `work` on the task of the token, or fails with 404, never before the configured floor
 * since the request began. Errors of `work` (409, 422) wait for the floor too.
 */
export async function withPublicTask<T>(
	this: TasksService,
	token: string,
	work: (task: TaskDoc) => Promise<T>,
): Promise<T> {
	const started = Date.now();
	const floor = config().publicLinkMinResponseMs;
	try {
		const task = await find.call(this, token);
		if (!task) throw notFound("task");
		return await work(task);
	} finally {
		const left = floor - (Date.now() - started);
		if (left > 0) await sleep(left);
	}
}
