/**
 * Rules for the iCal feed URLs a host may register (§11.0, §1.10a): https, at most 2048
 * characters, and no private, loopback or link-local host.
 *
 * Only what the URL itself says is checked here. A public name that resolves to a private
 * address is refused by the fetcher at connect time, which also defeats DNS rebinding.
 */
import { isIP } from "node:net";
import { isPrivateAddress } from "../../shared/outbound/private-address";

export const MAX_ICAL_URL_LENGTH = 2048;

const PRIVATE_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

function isPrivateHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, "");
	if (isIP(host) !== 0) return isPrivateAddress(host);
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
