/** Response schemas the accounts service contributes to the OpenAPI document. */
const instant = { type: "string", format: "date-time" };
const nullableInstant = { ...instant, nullable: true };
const nullableString = { type: "string", nullable: true };
const uuid = { type: "string", format: "uuid" };

const object = (properties: Record<string, object>) => ({
	type: "object",
	required: Object.keys(properties),
	properties,
});

export const accountComponents = {
	Account: object({
		id: uuid,
		user_id: uuid,
		email: { type: "string", format: "email" },
		first_name: nullableString,
		last_name: nullableString,
		phone: nullableString,
		locale: { type: "string", enum: ["en", "es"] },
		company_name: nullableString,
		tax_id: nullableString,
		is_admin: { type: "boolean" },
		created_at: instant,
		updated_at: instant,
	}),
	ApiToken: object({
		id: uuid,
		name: { type: "string" },
		token_prefix: { type: "string", example: "kas_pat_7QfZ" },
		created_at: instant,
		last_used_at: nullableInstant,
		expires_at: nullableInstant,
	}),
	ApiTokenCreated: object({
		id: uuid,
		name: { type: "string" },
		token: { type: "string", description: "The raw token, shown only in this response." },
		token_prefix: { type: "string" },
		created_at: instant,
		expires_at: nullableInstant,
	}),
	User: object({
		id: uuid,
		account_id: uuid,
		email: { type: "string", format: "email" },
		first_name: nullableString,
		last_name: nullableString,
		is_admin: { type: "boolean" },
		created_at: instant,
		last_seen_at: nullableInstant,
	}),
};
