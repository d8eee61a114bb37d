/**
 * Outgoing mail over SMTP (nodemailer), for every service that notifies people. Without a
 * relay configured the mailer is "off": callers still do their work and log that no mail left.
 */
import nodemailer, { type Transporter } from "nodemailer";
import { mailSettingsFromEnv, type MailSettings } from "./settings";

export interface MailMessage {
	to: string;
	subject: string;
	text: string;
	html?: string;
}

export interface Mailer {
	/** False when no SMTP relay is configured: `send` would throw. */
	readonly configured: boolean;
	send(message: MailMessage): Promise<void>;
	close(): void;
}

/** SMTP connection and send timeouts: a slow relay must not hold sockets for minutes. */
const TIMEOUT_MS = 15_000;

export function createMailer(settings: MailSettings = mailSettingsFromEnv()): Mailer {
	const url = settings.smtpUrl;
	let transport: Transporter | null = null;
	const transportOf = (smtpUrl: string) => {
		transport ??= nodemailer.createTransport({
			url: smtpUrl,
			connectionTimeout: TIMEOUT_MS,
			greetingTimeout: TIMEOUT_MS,
			socketTimeout: TIMEOUT_MS,
		});
		return transport;
	};
	return {
		configured: url !== null,
		async send(message) {
			if (!url) throw new Error("No SMTP relay is configured (SMTP_URL)");
			await transportOf(url).sendMail({ from: settings.from, ...message });
		},
		close() {
			transport?.close();
			transport = null;
		},
	};
}

export { mailSettingsFromEnv, type MailSettings } from "./settings";
