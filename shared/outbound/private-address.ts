/**
 * Addresses an outbound request to a provider (iCal hosts, Nuki, UniFi, SES) must never
 * reach (§1.10a): loopback, private, link-local, carrier-grade NAT, unspecified, multicast
 * and reserved ranges, including IPv4-mapped IPv6 forms of them.
 */
import { BlockList, isIP } from "node:net";

const PRIVATE = new BlockList();
for (const [net, prefix] of [
	["0.0.0.0", 8],
	["10.0.0.0", 8],
	["100.64.0.0", 10],
	["127.0.0.0", 8],
	["169.254.0.0", 16],
	["172.16.0.0", 12],
	["192.168.0.0", 16],
	["224.0.0.0", 3],
] as const) {
	PRIVATE.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
	["::", 127],
	["fc00::", 7],
	["fe80::", 10],
	["ff00::", 8],
] as const) {
	PRIVATE.addSubnet(net, prefix, "ipv6");
}

/** True for an address outbound requests must not reach; anything not an IP counts as such. */
export function isPrivateAddress(address: string): boolean {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) return isPrivateAddress(mapped[1]);
	const family = isIP(address);
	if (family === 0) return true;
	return PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}
