/**
 * `POST /v1/auth/register` (§4.1): the first call creates the user and their account, later
 * calls return them and refresh the email and admin flag from the token.
 */
import { config } from "../../shared/config";
import { created, type RequestContext } from "../../shared/context";
import { ApiError } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { outboxEntries } from "../../shared/events/outbox";
import { newId } from "../../shared/ids";
import { emptyToNull } from "../../shared/params";
import type { UserDoc } from "./models";
import type { AccountsService } from "./service-types";
import { accountView } from "./views";

export interface RegisterParams {
	first_name?: string | null;
	last_name?: string | null;
	locale?: "en" | "es";
}

const DUPLICATE_KEY = 11000;

/** Admins are listed by JWT subject, or by email when the provider has verified it. */
function isAdmin(sub: string, email: string | null, emailVerified: boolean): boolean {
	const admins = config().adminSubjects;
	return admins.includes(sub) || (emailVerified && !!email && admins.includes(email));
}

export async function register(
	this: AccountsService,
	ctx: RequestContext<RegisterParams>,
): Promise<ReturnType<typeof accountView>> {
	const caller = ctx.meta.user;
	if (!caller) throw new Error("register() needs an authenticated caller");
	const { User } = this.models;
	const admin = isAdmin(caller.sub, caller.email, caller.emailVerified);

	const existing = await User.findOne({ sub: caller.sub }).lean<UserDoc>();
	if (existing) {
		// Later calls ignore the body but take the email and admin flag from the token.
		const refresh = {
			is_admin: admin,
			...(caller.email ? { email: caller.email, email_verified: caller.emailVerified } : {}),
		};
		const user = await User.findOneAndUpdate(
			{ _id: existing._id },
			{ $set: refresh },
			{ new: true },
		).lean<UserDoc>();
		await this.forgetSubject(caller.sub);
		return accountView(user ?? existing);
	}

	if (!caller.email) {
		throw new ApiError(
			422,
			"EMAIL_REQUIRED",
			"The identity provider gave no email for this user.",
		);
	}
	const now = new Date();
	const userId = newId();
	const accountId = newId();
	const event = buildEvent(ctx, "account.registered", {
		accountId,
		actor: { type: "user", id: userId },
		data: { user_id: userId, account_id: accountId },
	});
	try {
		await User.create({
			_id: userId,
			account_id: accountId,
			sub: caller.sub,
			email: caller.email,
			email_verified: caller.emailVerified,
			first_name: emptyToNull(ctx.params.first_name ?? caller.givenName),
			last_name: emptyToNull(ctx.params.last_name ?? caller.familyName),
			locale: ctx.params.locale ?? "es",
			is_admin: admin,
			created_at: now,
			updated_at: now,
			outbox: outboxEntries(event),
		});
	} catch (err) {
		// Two first calls raced: the other one created the user, so this is a later call.
		if ((err as { code?: number }).code === DUPLICATE_KEY) return register.call(this, ctx);
		throw err;
	}
	this.logger.info(`Registered user ${userId} (account ${accountId})`);
	await this.forgetSubject(caller.sub);
	await this.flushOutbox("User", userId);

	const user = await User.findById(userId).lean<UserDoc>();
	created(ctx, "/v1/account");
	return accountView(user as UserDoc);
}
