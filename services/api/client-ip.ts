/**
 * The client's address for per-IP rate limits: the socket address, or, behind a configured
 * trusted proxy, the right-most `X-Forwarded-For` hop that is not itself a trusted proxy.
 * Trusted proxies are addresses or CIDR ranges (`10.0.0.0/8`): in Kubernetes the Ingress
 * controller's pods change address, so only their network can be named.
 */
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

const normalise = (address: string) => address.replace(/^::ffff:/, "").trim();

function trustedSet(entries: string[]): { has(address: string): boolean } {
	const list = new BlockList();
	for (const entry of entries.map(normalise)) {
		const [address, prefix] = entry.split("/");
		const kind = isIP(address);
		if (kind === 0) continue;
		const family = kind === 6 ? "ipv6" : "ipv4";
		if (prefix === undefined) list.addAddress(address, family);
		else list.addSubnet(address, Number(prefix), family);
	}
	return {
		has: (address) => {
			const kind = isIP(address);
			return kind !== 0 && list.check(address, kind === 6 ? "ipv6" : "ipv4");
		},
	};
}

export function clientIp(req: IncomingMessage, trustedProxies: string[]): string {
	const socketAddress = normalise(req.socket.remoteAddress ?? "unknown");
	const trusted = trustedSet(trustedProxies);
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
