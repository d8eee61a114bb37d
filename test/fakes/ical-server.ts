/**
 * A local stand-in for Airbnb's and Booking.com's iCal export endpoints. Each path serves
 * whatever the test last set for it: a calendar, a status (with a Retry-After if asked),
 * garbage, a redirect, or silence.
 * A calendar may carry validators (an ETag and a Last-Modified, or one of them; none unless
 * the test asks) and is then answered 304 to a conditional GET that still matches it.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Reply =
	| { kind: "calendar"; body: string; validators?: "none" | "both" | "etag" | "last-modified" }
	| { kind: "status"; status: number; retryAfter?: string }
	| { kind: "redirect"; to: string }
	| { kind: "hang" }
	| { kind: "raw"; body: string; contentType?: string };

export interface FakeIcalServer {
	url(path: string): string;
	set(path: string, reply: Reply): void;
	hits(path: string): number;
	/** How many requests of the path were answered 304 Not Modified. */
	notModified(path: string): number;
	close(): Promise<void>;
}

/** The ETag and Last-Modified of a calendar reply, fixed when the test sets it. */
interface Validators {
	etag: string | null;
	lastModified: string | null;
}

function validatorsOf(reply: Reply, setAt: Date): Validators {
	if (reply.kind !== "calendar") return { etag: null, lastModified: null };
	const which = reply.validators ?? "none";
	if (which === "none") return { etag: null, lastModified: null };
	const hash = createHash("sha256").update(reply.body).digest("hex").slice(0, 16);
	return {
		etag: which === "last-modified" ? null : `"${hash}"`,
		lastModified: which === "etag" ? null : setAt.toUTCString(),
	};
}

/** RFC 9110 §13.1: If-None-Match wins over If-Modified-Since when both are sent. */
function stillFresh(req: http.IncomingMessage, validators: Validators): boolean {
	const ifNoneMatch = req.headers["if-none-match"];
	if (ifNoneMatch) return validators.etag !== null && ifNoneMatch === validators.etag;
	const ifModifiedSince = req.headers["if-modified-since"];
	if (!ifModifiedSince || !validators.lastModified) return false;
	return Date.parse(validators.lastModified) <= Date.parse(ifModifiedSince);
}

export async function startIcalServer(): Promise<FakeIcalServer> {
	const replies = new Map<string, { reply: Reply; validators: Validators }>();
	const counts = new Map<string, number>();
	const notModified = new Map<string, number>();
	const hanging = new Set<http.ServerResponse>();
	const server = http.createServer((req, res) => {
		const path = (req.url ?? "/").split("?")[0];
		counts.set(path, (counts.get(path) ?? 0) + 1);
		const { reply, validators } = replies.get(path) ?? {
			reply: { kind: "status", status: 404 } as Reply,
			validators: { etag: null, lastModified: null },
		};
		switch (reply.kind) {
			case "calendar": {
				const headers: Record<string, string> = {};
				if (validators.etag) headers.ETag = validators.etag;
				if (validators.lastModified) headers["Last-Modified"] = validators.lastModified;
				if (stillFresh(req, validators)) {
					notModified.set(path, (notModified.get(path) ?? 0) + 1);
					res.writeHead(304, headers);
					return res.end();
				}
				res.writeHead(200, { ...headers, "Content-Type": "text/calendar; charset=utf-8" });
				return res.end(reply.body);
			}
			case "raw":
				res.writeHead(200, { "Content-Type": reply.contentType ?? "text/html" });
				return res.end(reply.body);
			case "status":
				// Airbnb answers a too-eager calendar client 429, with or without Retry-After.
				res.writeHead(
					reply.status,
					reply.retryAfter ? { "Retry-After": reply.retryAfter } : {},
				);
				return res.end();
			case "redirect":
				res.writeHead(302, { Location: reply.to });
				return res.end();
			case "hang":
				hanging.add(res);
				return;
		}
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: (path) => `http://127.0.0.1:${port}${path}`,
		set: (path, reply) => {
			// HTTP dates have whole seconds: a reply set later must look modified later.
			const last = replies.get(path)?.validators.lastModified;
			const at = new Date(Math.max(Date.now(), last ? Date.parse(last) + 1000 : 0));
			replies.set(path, { reply, validators: validatorsOf(reply, at) });
		},
		hits: (path) => counts.get(path) ?? 0,
		notModified: (path) => notModified.get(path) ?? 0,
		close: async () => {
			for (const res of hanging) res.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** An all-day stay as the channels write it; `to` is the exclusive DTEND (check-out day). */
export interface Stay {
	uid: string;
	from: string;
	to: string;
	summary: string;
	description?: string;
}

const day = (date: string) => date.replace(/-/g, "");

function calendar(prodId: string, stays: Stay[]): string {
	const lines = ["BEGIN:VCALENDAR", "PRODID:" + prodId, "CALSCALE:GREGORIAN", "VERSION:2.0"];
	for (const stay of stays) {
		lines.push(
			"BEGIN:VEVENT",
			"DTEND;VALUE=DATE:" + day(stay.to),
			"DTSTART;VALUE=DATE:" + day(stay.from),
			"UID:" + stay.uid,
		);
		if (stay.description) lines.push("DESCRIPTION:" + stay.description);
		lines.push("SUMMARY:" + stay.summary, "END:VEVENT");
	}
	lines.push("END:VCALENDAR");
	return lines.join("\r\n") + "\r\n";
}

/** Airbnb's shape: "Reserved" with the reservation URL and phone digits, or a block. */
export function airbnbFeed(stays: Stay[]): string {
	return calendar("-//Airbnb Inc//Hosting Calendar 1.0//EN", stays);
}

export const airbnbReserved = (uid: string, from: string, to: string, code: string): Stay => ({
	uid,
	from,
	to,
	summary: "Reserved",
	description:
		"Reservation URL: https://www.airbnb.com/hosting/reservations/details/" +
		code +
		"\\nPhone Number (Last 4 Digits): 1234",
});

export const airbnbBlocked = (uid: string, from: string, to: string): Stay => ({
	uid,
	from,
	to,
	summary: "Airbnb (Not available)",
});

/** Booking.com's shape: every stay is "CLOSED - Not available", with a hashed UID. */
export function bookingFeed(stays: Omit<Stay, "summary">[]): string {
	return calendar(
		"-//admin.booking.com//EN",
		stays.map((stay) => ({ ...stay, summary: "CLOSED - Not available" })),
	);
}
