/**
 * Domain events over NATS JetStream: a consumer that was down catches up, duplicates are
 * handled once, failing messages end in the dead-letter stream, and the request id of the
 * request that caused an event follows it into the consumer's logs.
 */
import { randomUUID } from "node:crypto";
import { connect, JSONCodec } from "nats";
import type { ServiceSchema } from "moleculer";
import accounts from "../../services/accounts/accounts.service";
import type { DomainEvent } from "../../shared/events/envelope";
import { consume } from "../../shared/mixins/events.mixin";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { config } from "../../shared/config";
import { client } from "../helpers/http";
import { cleanUp, eventually, startStack, type Stack } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";

const received: DomainEvent[] = [];
let failures = 0;

/** A consumer of account.registered that records what it handles. */
const listener: ServiceSchema = {
	name: "listener",
	mixins: domainServiceMixins(() => ({})),
	channels: {
		"account.registered": consume(async function (event) {
			received.push(event);
		}),
	},
};

/** A consumer whose handler always fails. */
const brokenListener: ServiceSchema = {
	name: "broken",
	mixins: domainServiceMixins(() => ({})),
	channels: {
		"account.registered": consume(async function () {
			failures++;
			throw new Error("cannot handle this");
		}),
	},
};

let stack: Stack;
let http: ReturnType<typeof client>;

beforeAll(async () => {
	stack = await startStack("events", [accounts]);
	http = client(stack.url);
});
afterAll(async () => {
	await stack?.stop();
	await cleanUp(stack.namespace, ["listener", "broken"]);
});

const register = async (sub: string) => {
	const res = await http.post("/v1/auth/register", { token: mintJwt({ sub }) });
	expect(res.status).toBe(201);
	return res.body as { id: string; user_id: string };
};

const receivedFor = (accountId: string) => received.filter((e) => e.account_id === accountId);

it("delivers events published before the consumer ever started (backlog)", async () => {
	const account = await register("early-bird");
	await stack.startService(listener);
	const events = await eventually(async () => receivedFor(account.id)[0]);
	expect(events).toMatchObject({
		type: "account.registered",
		version: 1,
		account_id: account.id,
		property_id: null,
		actor: { type: "user", id: account.user_id },
		data: { user_id: account.user_id, account_id: account.id },
	});
	expect(events.id).toMatch(/^[0-9a-f-]{36}$/);
	expect(events.request_id).toEqual(expect.any(String));
});

it("delivers events published while the consumer was down, once it is back", async () => {
	await stack.stopService("listener");
	const account = await register("while-down");
	expect(receivedFor(account.id)).toHaveLength(0);
	await stack.startService(listener);
	await eventually(async () => receivedFor(account.id)[0]);
});

it("handles a redelivered event once", async () => {
	const account = await register("duplicate");
	const original = await eventually(async () => receivedFor(account.id)[0]);

	// Publish the same envelope again without a message id, as a crashed producer retrying
	// after JetStream's de-duplication window would.
	const nc = await connect({ servers: config().natsUrl });
	const js = nc.jetstream();
	await js.publish(`${stack.namespace}.account.registered`, JSONCodec().encode(original));
	const marker = await register("after-duplicate");
	await eventually(async () => receivedFor(marker.id)[0]);
	await nc.close();

	expect(receivedFor(account.id)).toHaveLength(1);
});

it("publishes on the next sweep an event a crash left in an outbox", async () => {
	const account = await register("crashed-producer");
	const original = await eventually(async () => receivedFor(account.id)[0]);
	// As if the process died between writing a change and publishing its event.
	const left = { ...original, id: randomUUID() };
	const accountsService: any = stack.brokers.get("accounts")!.getLocalService("accounts");
	const { User } = accountsService.models;
	const queuedAt = new Date(Date.now() - 60_000);
	await User.updateOne(
		{ _id: account.user_id },
		{ $push: { outbox: { event: left, queued_at: queuedAt } } },
	);

	await accountsService.sweepOutboxes();
	await eventually(async () => received.find((e) => e.id === left.id));
	expect((await User.findById(account.user_id).lean()).outbox).toEqual([]);
	// Handled once more only as that new event: the original id was not delivered again.
	expect(receivedFor(account.id).filter((e) => e.id === original.id)).toHaveLength(1);
});

it("leaves a fresh outbox entry to its producer", async () => {
	const account = await register("fresh-outbox");
	await eventually(async () => receivedFor(account.id)[0]);
	const accountsService: any = stack.brokers.get("accounts")!.getLocalService("accounts");
	const { User } = accountsService.models;
	const fresh = { ...receivedFor(account.id)[0], id: randomUUID() };
	await User.updateOne(
		{ _id: account.user_id },
		{ $push: { outbox: { event: fresh, queued_at: new Date() } } },
	);
	await accountsService.sweepOutboxes();
	expect((await User.findById(account.user_id).lean()).outbox).toHaveLength(1);
	await User.updateOne({ _id: account.user_id }, { $set: { outbox: [] } });
});

it("dead-letters a message that keeps failing, after bounded attempts", async () => {
	await register("poison");
	const nc = await connect({ servers: config().natsUrl });
	const jsm = await nc.jetstreamManager();
	const count = async (stream: string) => {
		try {
			return (await jsm.streams.info(`${stack.namespace}_${stream}`)).state.messages;
		} catch {
			return 0;
		}
	};
	const published = await count("account_registered");
	expect(await count("DEAD_LETTER")).toBe(0);

	await stack.startService(brokenListener);
	await eventually(
		async () => ((await count("DEAD_LETTER")) === published ? true : undefined),
		20_000,
	);
	await nc.close();
	// EVENT_MAX_ATTEMPTS is 3 in tests (test/setup-env.js): three attempts each, then given up.
	expect(failures).toBe(3 * published);
});
