/** The outbox on a document: published in order, popped only once published. */
import mongoose, { Schema } from "mongoose";
import { buildEvent, type DomainEvent } from "../../shared/events/envelope";
import { drainOutbox, outboxPath, queueEvents, staleOutboxIds } from "../../shared/events/outbox";
import { config } from "../../shared/config";
import { newNamespace } from "../helpers/stack";

const dbName = newNamespace("outbox").replace(/[^A-Za-z0-9_-]/g, "_");
const connection = mongoose.createConnection();
const Thing = connection.model("Thing", new Schema({ _id: String, outbox: outboxPath }));

beforeAll(() => connection.openUri(config().mongoUrl, { dbName }));
afterAll(async () => {
	await connection.dropDatabase();
	await connection.close();
});

const event = (n: number) =>
	buildEvent(null, "account.updated", { accountId: "a", data: { changed_fields: [`f${n}`] } });

it("publishes queued events in order and empties the outbox", async () => {
	const events = [event(1), event(2), event(3)];
	await Thing.create({ _id: "t1" });
	await Thing.updateOne({ _id: "t1" }, queueEvents(events[0], events[1]));
	await Thing.updateOne({ _id: "t1" }, queueEvents(events[2]));

	const published: DomainEvent<unknown>[] = [];
	const count = await drainOutbox(Thing, "t1", async (e) => void published.push(e));
	expect(count).toBe(3);
	expect(published.map((e) => e.id)).toEqual(events.map((e) => e.id));
	expect((await Thing.findById("t1").lean())?.outbox).toEqual([]);
});

it("stops at the first failure and keeps the rest for the sweep", async () => {
	const events = [event(1), event(2)];
	await Thing.create({ _id: "t2" });
	await Thing.updateOne({ _id: "t2" }, queueEvents(...events));

	let calls = 0;
	const failSecond = async () => {
		if (++calls === 2) throw new Error("NATS unavailable");
	};
	await expect(drainOutbox(Thing, "t2", failSecond)).rejects.toThrow("NATS unavailable");
	const left = (await Thing.findById("t2").lean()) as { outbox: { event: DomainEvent }[] };
	expect(left.outbox.map((entry) => entry.event.id)).toEqual([events[1].id]);

	expect(await staleOutboxIds(Thing, new Date(Date.now() + 1000))).toContain("t2");
	expect(await staleOutboxIds(Thing, new Date(Date.now() - 60_000))).not.toContain("t2");
});
