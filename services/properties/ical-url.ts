/**
 * Rules for the iCal feed URLs a host may register (§11.0, §1.10a): https, at most 2048
 * characters, and no private, loopback or link-local host.
 *
 * Only what the URL itself says is checked here. A public name that resolves to a private
 * address is refused by the fetcher at connect time, which also defeats DNS rebinding.
 */
import { BlockList, isIP } from "node:net";

export const MAX_ICAL_URL_LENGTH = 2048;

const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
	["0.0.0.0", 8],
	["10.0.0.0", 8],
	["100.64.0.0", 10],
	["127.0.0.0", 8],
	["169.254.0.0", 16],
	["172.16.0.0", 12],
	["192.168.0.0", 16],
] as const) {
	PRIVATE_RANGES.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
	["::", 128],
	["::1", 128],
	["fc00::", 7],
	["fe80::", 10],
] as const) {
	PRIVATE_RANGES.addSubnet(network, prefix, "ipv6");
}

const PRIVATE_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

function isPrivateHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, "");
	const version = isIP(host);
	if (version === 4) return PRIVATE_RANGES.check(host, "ipv4");
	if (version === 6) {
		const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
		if (mapped) return PRIVATE_RANGES.check(mapped[1], "ipv4");
		return PRIVATE_RANGES.check(host, "ipv6");
	}
	// A single label ("intranet") resolves through local search domains only.
	return PRIVATE_NAMES.test(host) || !host.includes(".");
}

/** Why `value` is not an acceptable feed URL, or null when it is. */
export function icalUrlProblem(value: string, allowPrivate: boolean): string | null {
	if (value.length > MAX_ICAL_URL_LENGTH) {
		return `Must be at most ${MAX_ICAL_URL_LENGTH} characters.`;
	}
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return "Must be an absolute URL.";
	}
	if (allowPrivate) {
		return ["https:", "http:"].includes(url.protocol) ? null : "Must be an http(s) URL.";
	}
	if (url.protocol !== "https:") return "Must be an https URL.";
	if (isPrivateHost(url.hostname)) return "Private and loopback hosts are not allowed.";
	return null;
}
