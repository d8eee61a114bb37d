/**
 * Jest global setup: makes MongoDB, NATS (JetStream) and Redis available to every test file
 * through MONGO_URL, NATS_URL and REDIS_URL. `process.env` set here reaches the workers;
 * `globalThis` does not.
 *
 * Sources, in order: URLs already in the environment (CI, a developer's own servers); throwaway
 * testcontainers when a container runtime answers; otherwise the local servers of
 * scripts/infra.js, which stay running after the run so the next one starts in a second.
 */
"use strict";

const { ensureInfra } = require("../scripts/infra");

/** Started testcontainers; global-teardown runs in this same process and stops them. */
let containers = [];

const IMAGES = {
	MONGO_URL: {
		image: "mongo:7",
		port: 27017,
		command: [],
		ready: /Waiting for connections/,
		url: (host, port) => `mongodb://${host}:${port}/?directConnection=true&retryWrites=false`,
	},
	NATS_URL: {
		image: "nats:2.10",
		port: 4222,
		command: ["-js"],
		ready: /Server is ready/,
		url: (host, port) => `nats://${host}:${port}`,
	},
	REDIS_URL: {
		image: "redis:7",
		port: 6379,
		command: [],
		ready: /Ready to accept connections/,
		url: (host, port) => `redis://${host}:${port}`,
	},
};

/** Resolves the testcontainers module when a container runtime answers, else null. */
async function containerRuntime() {
	let testcontainers;
	try {
		testcontainers = require("testcontainers");
	} catch {
		return null; // a production-only install has no dev dependencies
	}
	try {
		// Rejects at once when there is no Docker (or compatible) engine.
		await testcontainers.getContainerRuntimeClient();
		return testcontainers;
	} catch {
		return null;
	}
}

async function startContainers(testcontainers, missing) {
	const { GenericContainer, Wait } = testcontainers;
	const started = await Promise.allSettled(
		missing.map((envVar) => {
			const spec = IMAGES[envVar];
			return new GenericContainer(spec.image)
				.withExposedPorts(spec.port)
				.withCommand(spec.command)
				.withWaitStrategy(Wait.forLogMessage(spec.ready))
				.start();
		}),
	);
	for (const outcome of started) {
		if (outcome.status === "fulfilled") containers.push(outcome.value);
	}
	const failed = started.find((outcome) => outcome.status === "rejected");
	if (failed) {
		await stopContainers();
		throw failed.reason;
	}
	missing.forEach((envVar, index) => {
		const container = started[index].value;
		const spec = IMAGES[envVar];
		process.env[envVar] = spec.url(container.getHost(), container.getMappedPort(spec.port));
	});
}

async function stopContainers() {
	const running = containers;
	containers = [];
	await Promise.allSettled(running.map((container) => container.stop()));
}

module.exports = async function globalSetup() {
	const missing = Object.keys(IMAGES).filter((envVar) => !process.env[envVar]);
	if (missing.length === 0) return;

	const testcontainers = await containerRuntime();
	if (testcontainers) {
		await startContainers(testcontainers, missing);
		return;
	}

	const infra = await ensureInfra({ log: (message) => console.log(`[infra] ${message}`) });
	for (const envVar of missing) process.env[envVar] = infra[envVar];
};

module.exports.stopContainers = stopContainers;
