/** Where things live: the repository, the FerretDB sources, and the loopback address. */
"use strict";

const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const FERRETDB_SRC = path.join(ROOT, "tools", "ferretdb");
const HOST = "127.0.0.1";

module.exports = { ROOT, FERRETDB_SRC, HOST };
