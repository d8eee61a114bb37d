/**
 * Response shapes (spec §17.4, §17.6, §17.7). Staff and contractors get the redacted property:
 * its secrets and operational settings as null (§1.5).
 */
import { FULL_VIEW_ROLES, type PropertyRole } from "../../shared/permissions";
import { coverUrls } from "./covers/urls";
import { publicBaseUrl } from "./env";
import { icalExportUrl } from "./ical-export";
import type { InvitationDoc, MemberDoc, PropertyDoc } from "./models";

const instant = (value: Date | null | undefined) => (value ? value.toISOString() : null);

export function coverFields(property: PropertyDoc) {
	const widths = property.cover_widths ?? [];
	if (!property.cover_key || widths.length === 0) {
		return { cover_image_url: null, cover_image_urls: null };
	}
	return coverUrls(publicBaseUrl(), property.cover_key, widths);
}

export const isRedacted = (role: PropertyRole) => !FULL_VIEW_ROLES.includes(role);

/** The effective default cleaner: the owner unless someone else is set. */
export const defaultCleanerOf = (property: PropertyDoc): string =>
	property.default_cleaner_id ?? property.owner_user_id;

export function propertyView(property: PropertyDoc, role: PropertyRole) {
	const secret = <T>(value: T) => (isRedacted(role) ? null : value);
	return {
		id: property._id,
		account_id: property.account_id,
		name: property.name,
		address: property.address,
		city: property.city,
		zip_code: property.zip_code,
		country: property.country_name ?? null,
		country_id: property.country_id ?? null,
		country_code: property.country_code ?? null,
		province_id: property.province_id ?? null,
		city_id: property.city_id ?? null,
		timezone: property.timezone,
		checkin_time: property.checkin_time,
		checkout_time: property.checkout_time,
		airbnb_ical_url: secret(property.airbnb_ical_url ?? null),
		booking_ical_url: secret(property.booking_ical_url ?? null),
		default_cleaner_id: defaultCleanerOf(property),
		ses_establishment_code: secret(property.ses_establishment_code ?? null),
		ses_establishment_type: secret(property.ses_establishment_type ?? null),
		has_internet: property.has_internet ?? null,
		rooms_count: property.rooms_count ?? null,
		access_code_buffer_before_minutes: secret(property.access_code_buffer_before_minutes),
		access_code_buffer_after_minutes: secret(property.access_code_buffer_after_minutes),
		...coverFields(property),
		ical_export_url: secret(icalExportUrl(property)),
		role,
		created_at: instant(property.created_at),
		updated_at: instant(property.updated_at),
	};
}

/** IcalFeedStatus (§17.4) as the bookings service's iCal import reports it. */
export interface IcalFeedStatus {
	source: "airbnb" | "booking";
	url: string;
	status: "pending" | "ok" | "error";
	last_sync_at: string | null;
	last_success_at: string | null;
	last_error: string | null;
	consecutive_failures: number;
	events_count: number | null;
}

/**
 * Status of the imported feeds, one per configured URL. `synced` is what the import reports;
 * a feed it does not know yet (or knows under an older URL) is documented as "pending".
 */
export function calendarsOf(property: PropertyDoc, synced: IcalFeedStatus[] = []) {
	const feeds = [
		["airbnb", property.airbnb_ical_url],
		["booking", property.booking_ical_url],
	] as const;
	return feeds
		.filter(([, url]) => !!url)
		.map(([source, url]): IcalFeedStatus => {
			const known = synced.find((feed) => feed.source === source && feed.url === url);
			return (
				known ?? {
					source,
					url: url as string,
					status: "pending",
					last_sync_at: null,
					last_success_at: null,
					last_error: null,
					consecutive_failures: 0,
					events_count: null,
				}
			);
		});
}

export interface Person {
	id: string;
	email: string;
	first_name: string | null;
	last_name: string | null;
}

/** "First Last", or the email when the user has no name (§17.6). */
export function displayName(person: Person | undefined): string {
	if (!person) return "";
	const name = [person.first_name, person.last_name].filter(Boolean).join(" ").trim();
	return name || person.email;
}

export interface TeamEntry {
	userId: string;
	level: PropertyRole;
	services: string[];
	joinedAt: Date;
}

export function memberView(property: PropertyDoc, entry: TeamEntry, person: Person | undefined) {
	return {
		user_id: entry.userId,
		property_id: property._id,
		name: displayName(person),
		email: person?.email ?? "",
		access_level: entry.level,
		services: entry.services,
		is_default_cleaner: defaultCleanerOf(property) === entry.userId,
		joined_at: instant(entry.joinedAt),
	};
}

export const memberEntry = (member: MemberDoc): TeamEntry => ({
	userId: member.user_id,
	level: member.access_level as PropertyRole,
	services: [...(member.services ?? [])],
	joinedAt: member.joined_at,
});

export type InvitationStatus = "active" | "expired" | "exhausted" | "revoked";

/** Derived in the order acceptance checks it (§12.7): revoked, expired, exhausted. */
export function invitationStatus(
	invitation: InvitationDoc,
	uses: number,
	now = new Date(),
): InvitationStatus {
	if (invitation.revoked_at) return "revoked";
	if (invitation.expires_at <= now) return "expired";
	if (uses >= invitation.max_uses) return "exhausted";
	return "active";
}

export function invitationView(invitation: InvitationDoc, uses: number, now = new Date()) {
	return {
		id: invitation._id,
		propertyId: invitation.property_id,
		token: invitation.token,
		uses,
		maxUses: invitation.max_uses,
		createdAt: instant(invitation.created_at),
		expiresAt: instant(invitation.expires_at),
		acceptedAt: instant(invitation.accepted_at),
		revokedAt: instant(invitation.revoked_at),
		status: invitationStatus(invitation, uses, now),
		accessLevel: invitation.access_level,
		services: [...(invitation.services ?? [])],
		locale: invitation.locale,
		email: invitation.email ?? null,
	};
}
