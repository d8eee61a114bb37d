/** Response shapes of the accounts service (spec §17.2, §17.3, §17.19). */
import type { ApiTokenDoc, UserDoc } from "./models";

const instant = (value: Date | null | undefined) => (value ? value.toISOString() : null);

export function accountView(user: UserDoc) {
	return {
		id: user.account_id,
		user_id: user._id,
		email: user.email,
		first_name: user.first_name ?? null,
		last_name: user.last_name ?? null,
		phone: user.phone ?? null,
		locale: user.locale,
		company_name: user.company_name ?? null,
		tax_id: user.tax_id ?? null,
		is_admin: user.is_admin,
		created_at: instant(user.created_at),
		updated_at: instant(user.updated_at),
	};
}

export function userView(user: UserDoc) {
	return {
		id: user._id,
		account_id: user.account_id,
		email: user.email,
		first_name: user.first_name ?? null,
		last_name: user.last_name ?? null,
		is_admin: user.is_admin,
		created_at: instant(user.created_at),
		last_seen_at: instant(user.last_seen_at),
	};
}

export function apiTokenView(token: ApiTokenDoc) {
	return {
		id: token._id,
		name: token.name,
		token_prefix: token.token_prefix,
		created_at: instant(token.created_at),
		last_used_at: instant(token.last_used_at),
		expires_at: instant(token.expires_at),
	};
}

export function apiTokenCreatedView(token: ApiTokenDoc, raw: string) {
	return {
		id: token._id,
		name: token.name,
		token: raw,
		token_prefix: token.token_prefix,
		created_at: instant(token.created_at),
		expires_at: instant(token.expires_at),
	};
}
