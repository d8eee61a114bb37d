/**
 * Probes: each speaks just enough of the protocol to tell "our kind of server" from "a port
 * someone else holds" (a Docker proxy also accepts connections before the container is ready).
 */
"use strict";

const net = require("node:net");
const { HOST } = require("./paths");
const { sleep } = require("./proc");

// Readiness budget for a started server; builds, apt and image pulls happen before it starts.
const START_TIMEOUT_MS = 60_000;

/**
 * Connects, optionally sends a request, and lets `judge` read the reply.
 * Resolves { state: "up" | "down" | "foreign", detail }; never rejects.
 */
function talk(host, port, { request, judge, timeoutMs = 1500 }) {
	return new Promise((resolve) => {
		let connected = false;
		let done = false;
		let reply = Buffer.alloc(0);
		const socket = net.connect({ host, port });
		const finish = (result) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			socket.destroy();
			resolve(result);
		};
		const timer = setTimeout(
			() => finish(connected ? foreign("no answer") : { state: "down", detail: "timeout" }),
			timeoutMs,
		);
		socket.on("connect", () => {
			connected = true;
			if (request) socket.write(request);
		});
		socket.on("data", (chunk) => {
			reply = Buffer.concat([reply, chunk]);
			const verdict = judge(reply);
			if (verdict) finish(verdict);
		});
		socket.on("error", (err) => {
			const detail = err.code || err.message;
			finish(connected ? foreign(detail) : down(detail));
		});
		socket.on("close", () => finish(connected ? foreign("closed the connection") : down()));
	});
}

const up = (detail = "") => ({ state: "up", detail });
const down = (detail = "not listening") => ({ state: "down", detail });
const foreign = (detail) => ({ state: "foreign", detail });

function probeRedis(host, port) {
	return talk(host, port, {
		request: "PING\r\n",
		judge: (reply) => {
			const text = reply.toString("latin1");
			if (!text.includes("\r\n")) return undefined;
			if (text.startsWith("+PONG")) return up();
			return foreign(`answered ${JSON.stringify(text.split("\r\n")[0].slice(0, 40))}`);
		},
	});
}

function probeNats(host, port) {
	return talk(host, port, {
		judge: (reply) => {
			const text = reply.toString("utf8");
			if (!text.includes("\r\n")) return undefined;
			if (!text.startsWith("INFO ")) return foreign("does not speak the NATS protocol");
			try {
				const info = JSON.parse(text.slice(5, text.indexOf("\r\n")));
				// Channels need JetStream; a plain NATS here would lose messages later, not now.
				if (!info.jetstream) return foreign(`NATS ${info.version} without JetStream (-js)`);
				return up(`NATS ${info.version}`);
			} catch {
				return foreign("sent an unreadable INFO line");
			}
		},
	});
}

/** Sends OP_MSG { ping: 1, $db: "admin" }: works on MongoDB 7 and FerretDB, needs no auth. */
function probeMongo(host, port) {
	const requestId = 0x4b415349; // "KASI"
	const body = Buffer.concat([
		Buffer.from([0x10]),
		Buffer.from("ping\0"),
		int32(1),
		Buffer.from([0x02]),
		Buffer.from("$db\0"),
		int32(6),
		Buffer.from("admin\0"),
		Buffer.from([0x00]),
	]);
	const doc = Buffer.concat([int32(body.length + 4), body]);
	const header = Buffer.alloc(21);
	header.writeInt32LE(21 + doc.length, 0);
	header.writeInt32LE(requestId, 4);
	header.writeInt32LE(0, 8);
	header.writeInt32LE(2013, 12); // OP_MSG; flag bits and section kind stay 0
	return talk(host, port, {
		request: Buffer.concat([header, doc]),
		judge: (reply) => {
			if (reply.length < 16) return undefined;
			if (reply.readInt32LE(12) !== 2013 || reply.readInt32LE(8) !== requestId) {
				return foreign("does not speak the MongoDB wire protocol");
			}
			return up();
		},
	});
}

function int32(value) {
	const buf = Buffer.alloc(4);
	buf.writeInt32LE(value, 0);
	return buf;
}

/** Polls until the piece answers; fails early when `isGone()` reports the process died. */
async function waitUntilUp(piece, port, { isGone = () => null, logTail = async () => "" }) {
	const deadline = Date.now() + START_TIMEOUT_MS;
	let last = down();
	while (Date.now() < deadline) {
		last = await piece.probe(HOST, port);
		if (last.state === "up") return last;
		const gone = isGone();
		if (gone) {
			const tail = await logTail();
			throw new Error(`${piece.label} could not start on ${HOST}:${port} (${gone}).${tail}`);
		}
		await sleep(300);
	}
	throw new Error(
		`${piece.label} did not answer on ${HOST}:${port} within ${START_TIMEOUT_MS / 1000} s ` +
			`(last probe: ${last.detail}).${await logTail()}`,
	);
}

function portTaken(piece, port, probe) {
	return new Error(
		`${piece.label}: ${HOST}:${port} is taken by something else (${probe.detail}). ` +
			`Stop it, set ${piece.portVar} to another port, or ${piece.envVar} to a server to use.`,
	);
}

module.exports = { probeMongo, probeNats, probeRedis, waitUntilUp, portTaken };
