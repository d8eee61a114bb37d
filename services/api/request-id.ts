/** Request ids: the client's when it is well-formed (§1.10), otherwise a fresh ULID. */
import type { IncomingMessage } from "node:http";
import { ulid } from "ulid";

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
	const supplied = req.headers["x-request-id"];
	if (typeof supplied === "string" && CLIENT_REQUEST_ID.test(supplied)) return supplied;
	return ulid();
}
