/** The accounts service's collections: users (each with one account) and API tokens. */
import { Schema, type Connection, type InferSchemaType } from "mongoose";
import { indexOutbox, outboxPath } from "../../shared/events/outbox";

const userSchema = new Schema(
	{
		_id: { type: String, required: true },
		/** Each user owns exactly one account; properties and integrations belong to it. */
		account_id: { type: String, required: true },
		/** Subject of the identity provider's JWTs. */
		sub: { type: String, required: true },
		email: { type: String, required: true },
		email_verified: { type: Boolean, required: true, default: false },
		first_name: { type: String, default: null },
		last_name: { type: String, default: null },
		phone: { type: String, default: null },
		locale: { type: String, enum: ["en", "es"], required: true, default: "es" },
		company_name: { type: String, default: null },
		tax_id: { type: String, default: null },
		is_admin: { type: Boolean, required: true, default: false },
		created_at: { type: Date, required: true },
		updated_at: { type: Date, required: true },
		last_seen_at: { type: Date, default: null },
		outbox: outboxPath,
	},
	{ versionKey: false, collection: "users" },
);
indexOutbox(userSchema);
userSchema.index({ sub: 1 }, { unique: true });
userSchema.index({ account_id: 1 }, { unique: true });
userSchema.index({ created_at: -1, _id: 1 });

const apiTokenSchema = new Schema(
	{
		_id: { type: String, required: true },
		user_id: { type: String, required: true },
		name: { type: String, required: true },
		/** SHA-256 of the raw token; the raw value is never stored. */
		token_hash: { type: String, required: true },
		token_prefix: { type: String, required: true },
		created_at: { type: Date, required: true },
		last_used_at: { type: Date, default: null },
		expires_at: { type: Date, default: null },
		revoked_at: { type: Date, default: null },
		outbox: outboxPath,
	},
	{ versionKey: false, collection: "api_tokens" },
);
indexOutbox(apiTokenSchema);
apiTokenSchema.index({ token_hash: 1 }, { unique: true });
apiTokenSchema.index({ user_id: 1, created_at: -1 });

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: string };
export type ApiTokenDoc = InferSchemaType<typeof apiTokenSchema> & { _id: string };

export function defineAccountModels(connection: Connection) {
	return {
		User: connection.model("User", userSchema),
		ApiToken: connection.model("ApiToken", apiTokenSchema),
	};
}

export type AccountModels = ReturnType<typeof defineAccountModels>;
