/**
 * The invitation email (§12.2): in the invitation's locale, with the code and a link to accept
 * it. Logs name the invitation only: never its token or the recipient's address.
 */
import { publicBaseUrl } from "./env";
import type { InvitationDoc, PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";

type Locale = "en" | "es";

interface Texts {
	levels: Record<string, string>;
	subject(property: string): string;
	body(v: {
		property: string;
		level: string;
		code: string;
		link: string;
		expires: string;
	}): string;
}

const TEXTS: Record<Locale, Texts> = {
	en: {
		levels: { manager: "manager", staff: "staff member", contractor: "contractor" },
		subject: (property) => `You are invited to join ${property} on Kasify`,
		body: (v) =>
			[
				"Hello,",
				"",
				`You have been invited to join the crew of ${v.property} on Kasify as ${v.level}.`,
				"",
				`Accept the invitation here: ${v.link}`,
				`Or enter this code in the app: ${v.code}`,
				"",
				`The invitation expires on ${v.expires}.`,
				"If you did not expect this email, you can ignore it.",
			].join("\n"),
	},
	es: {
		levels: { manager: "gestor", staff: "personal", contractor: "colaborador externo" },
		subject: (property) => `Invitación para unirte a ${property} en Kasify`,
		body: (v) =>
			[
				"Hola:",
				"",
				`Te han invitado a unirte al equipo de ${v.property} en Kasify como ${v.level}.`,
				"",
				`Acepta la invitación aquí: ${v.link}`,
				`O introduce este código en la aplicación: ${v.code}`,
				"",
				`La invitación caduca el ${v.expires}.`,
				"Si no esperabas este correo, puedes ignorarlo.",
			].join("\n"),
	},
};

/** The web app's page for an invitation; it calls POST /v1/invitations/{token}/accept. */
export const acceptLink = (token: string) => `${publicBaseUrl()}/invitations/${token}`;

export function invitationMessage(invitation: InvitationDoc, property: PropertyDoc) {
	const locale: Locale = invitation.locale === "en" ? "en" : "es";
	const texts = TEXTS[locale];
	const expires = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "es-ES", {
		dateStyle: "long",
		timeStyle: "short",
		timeZone: property.timezone,
	}).format(invitation.expires_at);
	return {
		to: invitation.email as string,
		subject: texts.subject(property.name),
		text: texts.body({
			property: property.name,
			level: texts.levels[invitation.access_level] ?? invitation.access_level,
			code: invitation.token,
			link: acceptLink(invitation.token),
			expires,
		}),
	};
}

/** Sends the invitation email; never throws (the invitation exists either way). */
export async function mailInvitation(
	this: PropertiesService,
	invitation: InvitationDoc,
	property: PropertyDoc,
): Promise<void> {
	if (!this.mailer.configured) {
		this.logger.warn(
			`Invitation ${invitation._id}: no mail relay configured (SMTP_URL), email not sent`,
		);
		return;
	}
	try {
		await this.mailer.send(invitationMessage(invitation, property));
		this.logger.info(`Invitation ${invitation._id}: email sent`);
	} catch (err) {
		// SMTP errors often quote the recipient: log only their class and code.
		const { code, responseCode } = err as { code?: string; responseCode?: number };
		const reason = [code ?? "error", responseCode].filter(Boolean).join(" ");
		this.logger.warn(`Invitation ${invitation._id}: email not sent (${reason})`);
		// TODO: record the failed delivery in the activity feed (§12.2) once the timeline
		// service exists; the operator's log is the only trace until then.
	}
}
