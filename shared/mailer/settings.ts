/** Mail settings, from the process configuration. */
import { config } from "../config";

export interface MailSettings {
	/** smtp:// or smtps:// URL of the relay, credentials included; null = mail is off. */
	smtpUrl: string | null;
	/** The From header of every message. */
	from: string;
}

export function mailSettingsFromEnv(): MailSettings {
	const cfg = config();
	return { smtpUrl: cfg.smtpUrl, from: cfg.mailFrom };
}
