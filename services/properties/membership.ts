/**
 * Who stands where: the caller's role on a property (for the PropertyAccess middleware), the
 * properties a user can reach (for cross-property lists), and the team of a property.
 */
import type { ErrorDetail } from "../../shared/errors";
import { rememberRole, type PropertyRole, type RoleAnswer } from "../../shared/permissions";
import type { MemberDoc, PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";
import { canBeDefaultCleaner } from "./vocabulary";
import { coverFields, memberEntry, memberView, type Person, type TeamEntry } from "./views";

/** The user's role on a live property, or null (unknown property, deleted, or no role). */
export async function roleOf(
	this: PropertiesService,
	propertyId: string,
	userId: string,
): Promise<RoleAnswer | null> {
	const { Property, Member } = this.models;
	const property = await Property.findOne({ _id: propertyId, deleted_at: null })
		.select("account_id owner_user_id")
		.lean<Pick<PropertyDoc, "_id" | "account_id" | "owner_user_id">>();
	if (!property) return null;
	let answer: RoleAnswer | null = null;
	if (property.owner_user_id === userId) {
		answer = { role: "owner", services: [], accountId: property.account_id };
	} else {
		const member = await Member.findOne({
			property_id: propertyId,
			user_id: userId,
			removed_at: null,
		}).lean<MemberDoc>();
		if (member) {
			answer = {
				role: member.access_level as PropertyRole,
				services: [...(member.services ?? [])],
				accountId: property.account_id,
			};
		}
	}
	if (answer) await rememberRole(this.broker, propertyId, userId, answer);
	return answer;
}

export interface AccessibleProperty {
	propertyId: string;
	role: PropertyRole;
	services: string[];
}

/** Every live property the user owns or is a member of. */
export async function accessibleProperties(
	this: PropertiesService,
	userId: string,
): Promise<AccessibleProperty[]> {
	const { Property, Member } = this.models;
	const memberships = await Member.find({ user_id: userId, removed_at: null }).lean<
		MemberDoc[]
	>();
	const byProperty = new Map(memberships.map((m) => [m.property_id, m]));
	const properties = await Property.find({
		deleted_at: null,
		$or: [{ owner_user_id: userId }, { _id: { $in: [...byProperty.keys()] } }],
	})
		.select("_id owner_user_id")
		.sort({ _id: 1 })
		.lean<Pick<PropertyDoc, "_id" | "owner_user_id">[]>();
	return properties.map((property) => {
		const member = byProperty.get(property._id);
		if (property.owner_user_id === userId || !member) {
			return { propertyId: property._id, role: "owner" as const, services: [] };
		}
		return {
			propertyId: property._id,
			role: member.access_level as PropertyRole,
			services: [...(member.services ?? [])],
		};
	});
}

/**
 * Each accessible property, by name, with the caller's role and what a calendar shows of it:
 * name, time zone, cover, and the clock times its stays start and end at.
 */
export async function calendarProperties(this: PropertiesService, userId: string) {
	const accessible = await accessibleProperties.call(this, userId);
	const roles = new Map(accessible.map((p) => [p.propertyId, p.role]));
	const properties = await this.models.Property.find({ _id: { $in: [...roles.keys()] } })
		.select("_id name timezone checkin_time checkout_time cover_key cover_widths")
		.sort({ name: 1, _id: 1 })
		.lean<PropertyDoc[]>();
	return properties.map((property) => ({
		id: property._id,
		name: property.name,
		timezone: property.timezone,
		role: roles.get(property._id) as PropertyRole,
		cover_image_url: coverFields(property).cover_image_url,
		checkin_time: property.checkin_time,
		checkout_time: property.checkout_time,
	}));
}

/** Names and emails of users, from the accounts service. */
export async function peopleById(
	this: PropertiesService,
	ids: string[],
): Promise<Map<string, Person>> {
	if (ids.length === 0) return new Map();
	const people = await this.broker.call<Person[], { ids: string[] }>("accounts.listUsersByIds", {
		ids: [...new Set(ids)],
	});
	return new Map(people.map((person) => [person.id, person]));
}

/** The crew of a property as PropertyMember objects: the owner first, then by joining date. */
export async function teamOf(this: PropertiesService, property: PropertyDoc) {
	const members = await this.models.Member.find({ property_id: property._id, removed_at: null })
		.sort({ joined_at: 1, _id: 1 })
		.lean<MemberDoc[]>();
	const owner: TeamEntry = {
		userId: property.owner_user_id,
		level: "owner",
		services: [],
		joinedAt: property.created_at,
	};
	const entries = [owner, ...members.map(memberEntry)];
	const people = await peopleById.call(
		this,
		entries.map((entry) => entry.userId),
	);
	return entries.map((entry) => memberView(property, entry, people.get(entry.userId)));
}

/**
 * Why `candidate` cannot be the default cleaner, or null when it can. Returns the value to
 * store: null stands for the owner.
 */
export async function checkDefaultCleaner(
	this: PropertiesService,
	property: Pick<PropertyDoc, "_id" | "owner_user_id"> | null,
	ownerId: string,
	candidate: string | null,
): Promise<{ value: string | null; error: ErrorDetail | null }> {
	if (candidate === null || candidate === ownerId) return { value: null, error: null };
	const member = property
		? await this.models.Member.findOne({
				property_id: property._id,
				user_id: candidate,
				removed_at: null,
			}).lean<MemberDoc>()
		: null;
	if (member && canBeDefaultCleaner(member.access_level as PropertyRole, member.services)) {
		return { value: candidate, error: null };
	}
	return {
		value: null,
		error: {
			field: "default_cleaner_id",
			message:
				"Must be the owner, a manager, or a staff or contractor member of the property " +
				"whose services include cleaning.",
		},
	};
}
