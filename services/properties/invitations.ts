/**
 * Crew invitations of a property: list (§12.1), create (§12.2) and revoke (§12.6).
 * Acceptance is in invitation-accept.ts, the email in invitation-mail.ts.
 */
import { created, registeredCaller, type RequestContext } from "../../shared/context";
import { forbidden, notFound, validationFailed } from "../../shared/errors";
import { buildEvent } from "../../shared/events/envelope";
import { outboxEntries, queueEvents } from "../../shared/events/outbox";
import { newId, newPublicCode } from "../../shared/ids";
import { emptyToNull } from "../../shared/params";
import { propertyAccessOf } from "../../shared/permissions";
import { loadLiveProperty } from "./loaders";
import { servicesFor } from "./crew-rules";
import { mailInvitation } from "./invitation-mail";
import { usesOf } from "./invitation-uses";
import type { InvitationDoc } from "./models";
import type { PropertiesService } from "./service-types";
import { invitationView } from "./views";
import { isBelowManager, type MemberLevel } from "./vocabulary";

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_LIFETIME_MS = 7 * DAY_MS;
const MAX_LIFETIME_MS = 30 * DAY_MS;

export interface CreateInvitationParams {
	id: string;
	accessLevel: MemberLevel;
	email?: string | null;
	maxUses?: number | null;
	expiresAt?: Date | null;
	locale?: "en" | "es";
	services?: string[] | null;
}

export async function listInvitations(
	this: PropertiesService,
	ctx: RequestContext<{ id: string }>,
) {
	const { propertyId } = propertyAccessOf(ctx);
	const invitations = await this.models.Invitation.find({ property_id: propertyId })
		.sort({ created_at: -1, _id: 1 })
		.lean<InvitationDoc[]>();
	const now = new Date();
	const uses = await usesOf.call(
		this,
		invitations.map((invitation) => invitation._id),
	);
	return invitations.map((i) => invitationView(i, uses.get(i._id) ?? 0, now));
}

function expiryOf(requested: Date | null | undefined, now: Date): Date {
	if (!requested) return new Date(now.getTime() + DEFAULT_LIFETIME_MS);
	const ahead = requested.getTime() - now.getTime();
	if (ahead <= 0 || ahead > MAX_LIFETIME_MS) {
		throw validationFailed([
			{ field: "expiresAt", message: "Must be in the future and at most 30 days ahead." },
		]);
	}
	return requested;
}

export async function createInvitation(
	this: PropertiesService,
	ctx: RequestContext<CreateInvitationParams>,
) {
	const caller = registeredCaller(ctx);
	const access = propertyAccessOf(ctx);
	const params = ctx.params;
	if (access.role === "manager" && !isBelowManager(params.accessLevel)) {
		throw forbidden("Managers may invite staff and contractors only.");
	}
	const services = servicesFor(params.accessLevel, params.services, []);
	const now = new Date();
	const expiresAt = expiryOf(params.expiresAt, now);
	const property = await loadLiveProperty.call(this, access.propertyId);

	const id = newId();
	const email = emptyToNull(params.email)?.toLowerCase() ?? null;
	const maxUses = params.maxUses ?? 1;
	const event = buildEvent(ctx, "invitation.created", {
		accountId: property.account_id,
		propertyId: property._id,
		data: {
			invitation_id: id,
			access_level: params.accessLevel,
			services,
			has_email: email !== null,
			max_uses: maxUses,
			expires_at: expiresAt.toISOString(),
		},
	});
	await this.models.Invitation.create({
		_id: id,
		property_id: property._id,
		account_id: property.account_id,
		token: newPublicCode(),
		access_level: params.accessLevel,
		services,
		email,
		locale: params.locale ?? "es",
		max_uses: maxUses,
		created_by: caller.id,
		created_at: now,
		expires_at: expiresAt,
		outbox: outboxEntries(event),
	});
	await this.flushOutbox("Invitation", id);
	this.logger.info(
		`Invitation ${id} created for property ${property._id} (${params.accessLevel})`,
	);

	const invitation = (await this.models.Invitation.findById(id).lean<InvitationDoc>())!;
	// After the response: a slow or failing mail relay never delays or fails the request.
	if (email) setImmediate(() => void mailInvitation.call(this, invitation, property));
	created(ctx, `/v1/properties/${property._id}/invitations/${id}`);
	return invitationView(invitation, 0, now);
}

export async function revokeInvitation(
	this: PropertiesService,
	ctx: RequestContext<{ id: string; invitationId: string }>,
) {
	const access = propertyAccessOf(ctx);
	const { Invitation } = this.models;
	const invitation = await Invitation.findOne({
		_id: ctx.params.invitationId.toLowerCase(),
		property_id: access.propertyId,
	}).lean<InvitationDoc>();
	if (!invitation) throw notFound("invitation");
	if (access.role === "manager" && !isBelowManager(invitation.access_level as MemberLevel)) {
		throw forbidden("Managers may revoke invitations of staff and contractors only.");
	}

	ctx.meta.$statusCode = 204;
	if (invitation.revoked_at) return null; // revoking again changes nothing
	const event = buildEvent(ctx, "invitation.revoked", {
		accountId: invitation.account_id,
		propertyId: invitation.property_id,
		data: { invitation_id: invitation._id },
	});
	const result = await Invitation.updateOne(
		{ _id: invitation._id, revoked_at: null },
		{ $set: { revoked_at: new Date() }, ...queueEvents(event) },
	);
	if (result.modifiedCount === 1) {
		await this.flushOutbox("Invitation", invitation._id);
		this.logger.info(`Invitation ${invitation._id} revoked`);
	}
	return null;
}
