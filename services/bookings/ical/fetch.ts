/**
 * Outbound GET of an iCal feed (§1.10a, §11.11). Feed URLs are typed in by hosts, so every hop
 * is HTTPS and the address actually connected to is checked at connect time (a custom DNS
 * `lookup`), which a name that resolves differently on a second query cannot slip past.
 * `ALLOW_PRIVATE_OUTBOUND` lifts both rules for local development and tests only.
 */
import { isPrivateAddress } from "../../../shared/outbound/private-address";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import { config } from "../../../shared/config";

export const MAX_BODY_BYTES = 5 * 1024 * 1024;
export const MAX_REDIRECTS = 3;

export type FetchErrorKind =
	| "invalid_url"
	| "blocked_address"
	| "timeout"
	| "network"
	| "http_status"
	| "rate_limited"
	| "too_many_redirects"
	| "too_large"
	| "not_a_calendar"
	| "empty_feed";

/** A failed fetch; `kind` is stable and goes into the feed's `last_error`. */
export class FeedFetchError extends Error {
	constructor(
		readonly kind: FetchErrorKind,
		message: string,
		readonly status?: number,
		/** How long the host asked us to wait before the next request (429, 503). */
		readonly retryAfterMs?: number,
	) {
		super(message);
	}
}

/** The longest wait a host's Retry-After can impose; beyond it the schedule takes over. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** A 429 without Retry-After still earns a pause, so that a re-sync does not hammer it. */
const DEFAULT_RATE_LIMIT_MS = 5 * 60_000;

/** Retry-After (RFC 9110 §10.2.3): seconds or an HTTP date; undefined when absent or bad. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	// An HTTP date starts with the day's name in each of its three RFC forms.
	const ms = /^\d+$/.test(trimmed)
		? Number(trimmed) * 1000
		: /^[A-Za-z]{3}/.test(trimmed)
			? Date.parse(trimmed) - now
			: NaN;
	if (!Number.isFinite(ms)) return undefined;
	return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** The error of a non-2xx answer; 429 and 503 carry the wait the host asked for. */
function statusError(status: number, retryAfter: string | null): FeedFetchError {
	const wait = retryAfterMs(retryAfter);
	if (status === 429) {
		const message = "The feed host asked to slow down (429)";
		return new FeedFetchError("rate_limited", message, status, wait ?? DEFAULT_RATE_LIMIT_MS);
	}
	const honoured = status === 503 ? wait : undefined;
	return new FeedFetchError("http_status", `The feed answered ${status}`, status, honoured);
}

export interface FetchResult {
	status: 200 | 304;
	body: string;
	etag: string | null;
	lastModified: string | null;
}

export interface FetchOptions {
	etag?: string | null;
	lastModified?: string | null;
	timeoutMs?: number;
	maxBytes?: number;
}

const blocked = () => new FeedFetchError("blocked_address", "The feed host is not public");

/** dns.lookup, refusing to hand a private address to the socket. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
	dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
		if (err) return callback(err, "", 0);
		const list = addresses as dns.LookupAddress[];
		if (list.length === 0 || list.some((a) => isPrivateAddress(a.address))) {
			return callback(blocked(), "", 0);
		}
		if (options.all) return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, list);
		callback(null, list[0].address, list[0].family);
	});
};

function checkUrl(raw: string, allowPrivate: boolean): URL {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new FeedFetchError("invalid_url", "The feed URL is not a URL");
	}
	const httpsOnly = !allowPrivate;
	if (url.protocol !== "https:" && (httpsOnly || url.protocol !== "http:")) {
		throw new FeedFetchError("invalid_url", "The feed URL must use https");
	}
	// A literal IP is connected to without any lookup, so it is checked here.
	const host = url.hostname.replace(/^\[|\]$/g, "");
	if (!allowPrivate && isIP(host) && isPrivateAddress(host)) throw blocked();
	return url;
}

/** GETs `rawUrl`, following at most MAX_REDIRECTS redirects, each checked like the first. */
export async function fetchFeed(rawUrl: string, options: FetchOptions = {}): Promise<FetchResult> {
	const allowPrivate = config().allowPrivateOutbound;
	const deadline = Date.now() + (options.timeoutMs ?? config().icalFetchTimeoutMs);
	let url = checkUrl(rawUrl, allowPrivate);
	for (let hop = 0; ; hop++) {
		const answer = await getOnce(url, options, deadline, allowPrivate);
		if (answer.location === undefined) return answer.result as FetchResult;
		if (hop >= MAX_REDIRECTS) {
			throw new FeedFetchError("too_many_redirects", "The feed redirected too many times");
		}
		url = checkUrl(new URL(answer.location, url).toString(), allowPrivate);
	}
}

interface Answer {
	location?: string;
	result?: FetchResult;
}

function getOnce(
	url: URL,
	options: FetchOptions,
	deadline: number,
	allowPrivate: boolean,
): Promise<Answer> {
	const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
	const headers: Record<string, string> = { Accept: "text/calendar, */*;q=0.5" };
	if (options.etag) headers["If-None-Match"] = options.etag;
	if (options.lastModified) headers["If-Modified-Since"] = options.lastModified;
	const client = url.protocol === "https:" ? https : http;

	return new Promise<Answer>((resolve, reject) => {
		const fail = (err: FeedFetchError) => {
			clearTimeout(timer);
			req.destroy();
			reject(err);
		};
		const req = client.request(url, {
			method: "GET",
			headers,
			lookup: allowPrivate ? undefined : guardedLookup,
		});
		const timer = setTimeout(
			() => fail(new FeedFetchError("timeout", "The feed did not answer in time")),
			Math.max(0, deadline - Date.now()),
		);
		req.on("error", (err) => {
			if (err instanceof FeedFetchError) return fail(err);
			fail(new FeedFetchError("network", `The feed could not be reached (${codeOf(err)})`));
		});
		req.on("response", (res) => {
			const status = res.statusCode ?? 0;
			const header = (name: string) => {
				const value = res.headers[name];
				return typeof value === "string" ? value : null;
			};
			if ([301, 302, 303, 307, 308].includes(status) && header("location")) {
				clearTimeout(timer);
				res.resume();
				return resolve({ location: header("location") as string });
			}
			const meta = { etag: header("etag"), lastModified: header("last-modified") };
			if (status === 304) {
				clearTimeout(timer);
				res.resume();
				return resolve({ result: { status: 304, body: "", ...meta } });
			}
			if (status < 200 || status > 299) {
				res.resume();
				return fail(statusError(status, header("retry-after")));
			}
			if (Number(header("content-length") ?? 0) > maxBytes) {
				return fail(new FeedFetchError("too_large", "The feed is larger than allowed"));
			}
			const chunks: Buffer[] = [];
			let size = 0;
			res.on("data", (chunk: Buffer) => {
				size += chunk.length;
				if (size > maxBytes) {
					return fail(new FeedFetchError("too_large", "The feed is larger than allowed"));
				}
				chunks.push(chunk);
			});
			res.on("error", () => fail(new FeedFetchError("network", "The feed was cut off")));
			res.on("end", () => {
				clearTimeout(timer);
				const body = Buffer.concat(chunks).toString("utf8");
				resolve({ result: { status: 200, body, ...meta } });
			});
		});
		req.end();
	});
}

const codeOf = (err: unknown) => (err as { code?: string })?.code ?? "error";
