/** `GET /v1/properties` (§11.1) and `GET /v1/properties/{id}` (§11.3). */
import { registeredCaller, type RequestContext } from "../../shared/context";
import { notFound } from "../../shared/errors";
import { escapeRegExp } from "../../shared/params";
import { propertyAccessOf, type PropertyRole } from "../../shared/permissions";
import type { MemberDoc, PropertyDoc } from "./models";
import { peopleById, teamOf } from "./membership";
import type { PropertiesService } from "./service-types";
import {
	calendarsOf,
	defaultCleanerOf,
	displayName,
	isRedacted,
	propertyView,
	type IcalFeedStatus,
} from "./views";

export interface ListParams {
	page: number;
	size: number;
	query?: string;
}

export async function listProperties(this: PropertiesService, ctx: RequestContext<ListParams>) {
	const caller = registeredCaller(ctx);
	const { Property, Member } = this.models;
	const { page, size, query } = ctx.params;

	const memberships = await Member.find({ user_id: caller.id, removed_at: null })
		.select("property_id access_level")
		.lean<Pick<MemberDoc, "property_id" | "access_level">[]>();
	const roles = new Map<string, PropertyRole>(
		memberships.map((m) => [m.property_id, m.access_level as PropertyRole]),
	);
	const filter: Record<string, unknown> = {
		deleted_at: null,
		$or: [{ owner_user_id: caller.id }, { _id: { $in: [...roles.keys()] } }],
	};
	if (query) {
		const pattern = { $regex: escapeRegExp(query), $options: "i" };
		filter.$and = [{ $or: ["name", "address", "city"].map((f) => ({ [f]: pattern })) }];
	}

	const [properties, total] = await Promise.all([
		Property.find(filter)
			.sort({ name: 1, _id: 1 })
			.skip(page * size)
			.limit(size)
			.lean<PropertyDoc[]>(),
		Property.countDocuments(filter),
	]);
	const views = properties.map((property) =>
		propertyView(
			property,
			property.owner_user_id === caller.id ? "owner" : (roles.get(property._id) ?? "staff"),
		),
	);
	return { properties: views, page, size, total };
}

export async function getProperty(this: PropertiesService, ctx: RequestContext<{ id: string }>) {
	const access = propertyAccessOf(ctx);
	const property = await this.models.Property.findOne({
		_id: access.propertyId,
		deleted_at: null,
	}).lean<PropertyDoc>();
	if (!property) throw notFound("property");

	const redacted = isRedacted(access.role);
	const cleanerId = defaultCleanerOf(property);
	const team = redacted ? null : await teamOf.call(this, property);
	const cleanerName = team
		? (team.find((member) => member.user_id === cleanerId)?.name ?? "")
		: displayName((await peopleById.call(this, [cleanerId])).get(cleanerId));
	return {
		...propertyView(property, access.role),
		calendars: redacted ? null : calendarsOf(property, await syncedFeeds.call(this, ctx)),
		// TODO: the last known state of the property's smart locks, once the locks service
		// exists; a property has none until then.
		smartlocks: redacted ? null : [],
		team,
		default_cleaner: { user_id: cleanerId, name: cleanerName },
	};
}

/**
 * The import's view of the property's feeds. Without a bookings service (a deployment or test
 * that runs properties alone) or when it fails, the feeds read as never synced ("pending").
 */
async function syncedFeeds(
	this: PropertiesService,
	ctx: RequestContext<{ id: string }>,
): Promise<IcalFeedStatus[]> {
	// `hasService` exists on the registry but is missing from Moleculer's typings.
	const registry = this.broker.registry as unknown as { hasService(name: string): boolean };
	if (!registry.hasService("bookings")) return [];
	const propertyId = propertyAccessOf(ctx).propertyId;
	try {
		return await ctx.call<IcalFeedStatus[], { propertyId: string }>("bookings.feedStatus", {
			propertyId,
		});
	} catch (err) {
		this.logger.warn(`Feed status of property ${propertyId} unavailable`, err);
		return [];
	}
}
