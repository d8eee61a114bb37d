/**
 * One jest run for unit tests (in-process brokers) and integration tests (real NATS, Redis
 * and FerretDB/MongoDB, real HTTP through the gateway). `test/global-setup.js` starts or finds
 * the servers and puts their URLs in the environment.
 */
module.exports = {
	preset: "ts-jest",
	testEnvironment: "node",
	roots: ["<rootDir>/test"],
	testMatch: ["**/*.test.ts"],
	globalSetup: "<rootDir>/test/global-setup.js",
	globalTeardown: "<rootDir>/test/global-teardown.js",
	setupFiles: ["<rootDir>/test/setup-env.js"],
	testTimeout: 60_000,
	transform: { "^.+\\.ts$": ["ts-jest", {}] },
};
