/**
 * Accounts: registration of identity-provider users, their account profile, personal access
 * tokens, and the admin's user list. It also answers the gateway's credential look-ups.
 */
import type { ServiceBroker, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { registeredCaller, type RequestContext } from "../../shared/context";
import { ApiError } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { queueEvents } from "../../shared/events/outbox";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import {
	emptyToNull,
	escapeRegExp,
	locale,
	optionalText,
	pagination,
	requiredText,
} from "../../shared/params";
import { defineAccountModels, type UserDoc } from "./models";
import { accountComponents } from "./openapi-components";
import { register } from "./registration";
import type { AccountsService } from "./service-types";
import { authenticateToken, createToken, listTokens, revokeToken } from "./tokens";
import { accountView, userView } from "./views";

interface AccountUpdate {
	first_name: string;
	last_name?: string | null;
	phone?: string | null;
	locale: "en" | "es";
	company_name?: string | null;
	tax_id?: string | null;
}

const MUTABLE_FIELDS = [
	"first_name",
	"last_name",
	"phone",
	"locale",
	"company_name",
	"tax_id",
] as const;
const SUBJECT_CACHE_TTL_S = 60;
// Revoked tokens must stop working on every gateway within 5 s (§3.3).
const TOKEN_CACHE_TTL_S = 5;

function subjectCacheKey(service: { broker: ServiceBroker }, sub: string): string | undefined {
	return service.broker.cacher?.getCacheKey("accounts.findBySubject", { sub }, {}, ["sub"]);
}

const accounts: ServiceSchema<ServiceSettingSchema, AccountsService> = {
	name: "accounts",
	mixins: domainServiceMixins(defineAccountModels),

	settings: {
		rest: "/",
		publishes: [
			"account.registered",
			"account.updated",
			"apitoken.created",
			"apitoken.revoked",
		],
		outboxModels: ["User", "ApiToken"],
		openapiComponents: accountComponents,
	},

	actions: {
		register: {
			rest: "POST /auth/register",
			auth: "identity",
			params: {
				first_name: optionalText(100),
				last_name: optionalText(100),
				locale: { ...locale, optional: true },
			},
			openapi: {
				summary: "Register the authenticated user",
				tags: ["Auth"],
				response: "Account",
				status: 201,
				errors: [422],
			},
			handler: register,
		},

		getAccount: {
			rest: "GET /account",
			openapi: { summary: "Get the user's account", tags: ["Account"], response: "Account" },
			async handler(this: AccountsService, ctx: RequestContext) {
				const user = await this.models.User.findById(
					registeredCaller(ctx).id,
				).lean<UserDoc>();
				if (!user)
					throw new ApiError(
						403,
						"USER_NOT_REGISTERED",
						"Register with POST /v1/auth/register first.",
					);
				return accountView(user);
			},
		},

		updateAccount: {
			rest: "PUT /account",
			params: {
				first_name: requiredText(100),
				last_name: optionalText(100),
				phone: {
					type: "string",
					trim: true,
					nullable: true,
					optional: true,
					// A string, not a RegExp: action definitions travel to the gateway as JSON.
					pattern: "^(?=.{6,20}$)\\+?[0-9 ]+$|^$",
					messages: {
						stringPattern: "Use 6 to 20 digits and spaces, with an optional leading +.",
					},
				},
				locale,
				company_name: optionalText(200),
				tax_id: optionalText(20),
			},
			openapi: {
				summary: "Update the user's account",
				tags: ["Account"],
				response: "Account",
			},
			async handler(this: AccountsService, ctx: RequestContext<AccountUpdate>) {
				const caller = registeredCaller(ctx);
				const { User } = this.models;
				const before = await User.findById(caller.id).lean<UserDoc>();
				if (!before) throw new ApiError(403, "USER_NOT_REGISTERED", "Register first.");

				// A full replacement: an omitted nullable field becomes null (§3.2).
				const next = {
					first_name: ctx.params.first_name,
					last_name: emptyToNull(ctx.params.last_name),
					phone: emptyToNull(ctx.params.phone),
					locale: ctx.params.locale,
					company_name: emptyToNull(ctx.params.company_name),
					tax_id: emptyToNull(ctx.params.tax_id),
				};
				const changed = MUTABLE_FIELDS.filter(
					(field) => (before[field] ?? null) !== next[field],
				);
				if (changed.length === 0) return accountView(before);

				const event = buildEvent(ctx, "account.updated", {
					accountId: caller.accountId,
					data: { changed_fields: changed },
				});
				await User.updateOne(
					{ _id: caller.id },
					{ $set: { ...next, updated_at: new Date() }, ...queueEvents(event) },
				);
				await this.flushOutbox("User", caller.id);
				const user = await User.findById(caller.id).lean<UserDoc>();
				return accountView(user as UserDoc);
			},
		},

		listTokens: {
			rest: "GET /account/tokens",
			auth: "jwt",
			openapi: { summary: "List API tokens", tags: ["Account"], response: "array:ApiToken" },
			handler: listTokens,
		},

		createToken: {
			rest: "POST /account/tokens",
			auth: "jwt",
			params: {
				name: requiredText(100),
				expires_at: { type: "date", convert: true, nullable: true, optional: true },
			},
			openapi: {
				summary: "Create API token",
				tags: ["Account"],
				response: "ApiTokenCreated",
				status: 201,
				errors: [409],
			},
			handler: createToken,
		},

		revokeToken: {
			rest: "DELETE /account/tokens/:id",
			auth: "jwt",
			params: { id: { type: "uuid" } },
			openapi: { summary: "Revoke API token", tags: ["Account"], status: 204, errors: [404] },
			handler: revokeToken,
		},

		listUsers: {
			rest: "GET /users",
			params: {
				...pagination(),
				query: { type: "string", trim: true, max: 100, optional: true },
			},
			openapi: {
				summary: "List every user (admin only)",
				tags: ["Users"],
				response: "page:User:users",
			},
			async handler(
				this: AccountsService,
				ctx: RequestContext<{ page: number; size: number; query?: string }>,
			) {
				if (!ctx.meta.user?.isAdmin) {
					throw new ApiError(
						403,
						"ADMIN_REQUIRED",
						"Only platform admins may list users.",
					);
				}
				const { page, size, query } = ctx.params;
				const filter = query
					? {
							$or: ["email", "first_name", "last_name"].map((f) => ({
								[f]: { $regex: escapeRegExp(query), $options: "i" },
							})),
						}
					: {};
				const [users, total] = await Promise.all([
					this.models.User.find(filter)
						.sort({ created_at: -1, _id: 1 })
						.skip(page * size)
						.limit(size)
						.lean<UserDoc[]>(),
					this.models.User.countDocuments(filter),
				]);
				return { users: users.map(userView), page, size, total };
			},
		},

		findBySubject: {
			visibility: "public",
			params: { sub: { type: "string", min: 1, max: 255 } },
			async handler(this: AccountsService, ctx: RequestContext<{ sub: string }>) {
				// Cached by hand rather than with `cache:` so that an unregistered subject is
				// never cached: a registration must take effect at once on every gateway.
				const cacher = this.broker.cacher;
				const key = subjectCacheKey(this, ctx.params.sub);
				const cached = key ? await cacher?.get(key) : null;
				if (cached) return cached;

				const { User } = this.models;
				const user = await User.findOne({ sub: ctx.params.sub }).lean<UserDoc>();
				if (!user) return null;
				// Runs at most once per cache period per user, which bounds these writes.
				await User.updateOne({ _id: user._id }, { $set: { last_seen_at: new Date() } });
				const found = {
					id: user._id,
					account_id: user.account_id,
					is_admin: user.is_admin,
				};
				if (key) await cacher?.set(key, found, SUBJECT_CACHE_TTL_S);
				return found;
			},
		},

		listUsersByIds: {
			// For other services that show people (crew lists, assignees): names and emails only.
			visibility: "public",
			params: { ids: { type: "array", items: "uuid", max: 500 } },
			async handler(this: AccountsService, ctx: RequestContext<{ ids: string[] }>) {
				const users = await this.models.User.find({ _id: { $in: ctx.params.ids } })
					.select("email first_name last_name")
					.lean<Pick<UserDoc, "_id" | "email" | "first_name" | "last_name">[]>();
				return users.map((user) => ({
					id: user._id,
					email: user.email,
					first_name: user.first_name ?? null,
					last_name: user.last_name ?? null,
				}));
			},
		},

		authenticateToken: {
			visibility: "public",
			params: { token_hash: { type: "string", length: 64 } },
			cache: { keys: ["token_hash"], ttl: TOKEN_CACHE_TTL_S },
			handler: authenticateToken,
		},
	},

	methods: {
		async forgetSubject(sub: string) {
			const key = subjectCacheKey(this, sub);
			if (key) await this.broker.cacher?.del(key);
		},
		async forgetToken(tokenHash: string) {
			const key = this.broker.cacher?.getCacheKey(
				"accounts.authenticateToken",
				{ token_hash: tokenHash },
				{},
				["token_hash"],
			);
			if (key) await this.broker.cacher?.del(key);
		},
	},
};

export = accounts;
