/**
 * Jest global teardown: stops only the testcontainers that global-setup started. Local servers
 * from scripts/infra.js keep running so the next run starts at once; `npm run infra down`
 * stops them.
 */
"use strict";

// Same process as global setup, so this is the module instance that holds the containers.
const { stopContainers } = require("./global-setup");

module.exports = async function globalTeardown() {
	await stopContainers();
};
