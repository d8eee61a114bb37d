/**
 * A local SMTP server for tests: it accepts every message and keeps it, decoded enough to read
 * the recipient, the subject and the plain-text body (quoted-printable or base64, multipart or
 * not, RFC 2047 encoded headers).
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { eventually } from "./stack";

export interface CapturedMail {
	/** Envelope recipients. */
	to: string[];
	subject: string;
	/** The text/plain part, decoded. */
	text: string;
	headers: Record<string, string>;
	raw: string;
}

export interface SmtpCapture {
	/** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
	url: string;
	messages: CapturedMail[];
	/** Waits for a message to `address` and returns it. */
	waitFor(address: string, timeoutMs?: number): Promise<CapturedMail>;
	stop(): Promise<void>;
}

function decodeWords(value: string): string {
	return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_all, _charset, kind, data) =>
		kind.toUpperCase() === "B"
			? Buffer.from(data, "base64").toString("utf8")
			: decodeQuotedPrintable(data.replace(/_/g, " ")),
	);
}

function decodeQuotedPrintable(text: string): string {
	const bytes = text
		.replace(/=\r?\n/g, "")
		.replace(/=([0-9A-F]{2})/gi, (_all, hex) => `%${hex}`)
		.replace(/%(?![0-9A-F]{2})/gi, "%25");
	return decodeURIComponent(bytes);
}

function splitHeaders(part: string): { headers: Record<string, string>; body: string } {
	const end = part.search(/\r?\n\r?\n/);
	const head = end === -1 ? part : part.slice(0, end);
	const body = end === -1 ? "" : part.slice(end).replace(/^\r?\n\r?\n/, "");
	const headers: Record<string, string> = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
		const colon = line.indexOf(":");
		if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
	}
	return { headers, body };
}

function decodeBody(headers: Record<string, string>, body: string): string {
	const encoding = (headers["content-transfer-encoding"] ?? "").toLowerCase();
	if (encoding === "base64") return Buffer.from(body, "base64").toString("utf8");
	if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
	return body;
}

/** The decoded text/plain content of a message or of one of its parts. */
function plainText(headers: Record<string, string>, body: string): string {
	const type = headers["content-type"] ?? "text/plain";
	const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
	if (!type.toLowerCase().startsWith("multipart/") || !boundary) {
		return decodeBody(headers, body);
	}
	for (const part of body.split(`--${boundary}`).slice(1)) {
		const parsed = splitHeaders(part.replace(/^\r?\n/, ""));
		const partType = (parsed.headers["content-type"] ?? "text/plain").toLowerCase();
		if (partType.startsWith("text/plain") || partType.startsWith("multipart/")) {
			return plainText(parsed.headers, parsed.body).trim();
		}
	}
	return "";
}

export function parseMail(raw: string, to: string[]): CapturedMail {
	const { headers, body } = splitHeaders(raw);
	return {
		to,
		subject: decodeWords(headers.subject ?? ""),
		text: plainText(headers, body).replace(/\r\n/g, "\n"),
		headers,
		raw,
	};
}

export async function startSmtp(): Promise<SmtpCapture> {
	const messages: CapturedMail[] = [];
	const server = new SMTPServer({
		authOptional: true,
		// Plain SMTP on loopback: no certificate for the client to reject.
		disabledCommands: ["STARTTLS", "AUTH"],
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on("data", (chunk: Buffer) => chunks.push(chunk));
			stream.on("end", () => {
				const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
				messages.push(parseMail(Buffer.concat(chunks).toString("utf8"), to));
				callback();
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://127.0.0.1:${port}`,
		messages,
		waitFor: (address, timeoutMs = 10_000) =>
			eventually(async () => messages.find((mail) => mail.to.includes(address)), timeoutMs),
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
