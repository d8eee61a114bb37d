/**
 * The client's address for per-IP rate limits: the socket address, or, behind a configured
 * trusted proxy, the right-most `X-Forwarded-For` hop that is not itself a trusted proxy.
 */
import type { IncomingMessage } from "node:http";

const normalise = (address: string) => address.replace(/^::ffff:/, "").trim();

export function clientIp(req: IncomingMessage, trustedProxies: string[]): string {
	const socketAddress = normalise(req.socket.remoteAddress ?? "unknown");
	const trusted = new Set(trustedProxies.map(normalise));
	if (!trusted.has(socketAddress)) return socketAddress;

	const header = req.headers["x-forwarded-for"];
	const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
		.split(",")
		.map(normalise)
		.filter(Boolean);
	// Walk from the nearest hop outwards; the first untrusted one is the client.
	for (let i = hops.length - 1; i >= 0; i--) {
		if (!trusted.has(hops[i])) return hops[i];
	}
	return hops[0] ?? socketAddress;
}
