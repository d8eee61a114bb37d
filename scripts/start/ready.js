/** Waits for the gateway's `/ready` to answer 200. */
"use strict";

const http = require("node:http");

const POLL_EVERY_MS = 1_000;

/** One GET; resolves { status, body } or { status: null, body: <error> }, never rejects. */
function getOnce(url) {
	return new Promise((resolve) => {
		const request = http.get(url, { timeout: 2_000 }, (response) => {
			let body = "";
			response.setEncoding("utf8");
			response.on("data", (chunk) => (body += chunk));
			response.on("end", () => resolve({ status: response.statusCode, body }));
			response.on("error", (err) => resolve({ status: null, body: err.message }));
		});
		request.on("timeout", () => request.destroy(new Error("no answer within 2 s")));
		request.on("error", (err) => resolve({ status: null, body: err.code || err.message }));
	});
}

/**
 * Polls until 200, `timeoutMs` passes, or `cancelled()` turns true.
 * @returns {Promise<{ ready: boolean, last: { status: number | null, body: string } }>}
 */
async function waitForReady(url, { timeoutMs, cancelled = () => false }) {
	const deadline = Date.now() + timeoutMs;
	let last = { status: null, body: "not asked yet" };
	while (Date.now() < deadline && !cancelled()) {
		last = await getOnce(url);
		if (last.status === 200) return { ready: true, last };
		await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
	}
	return { ready: false, last };
}

module.exports = { waitForReady };
