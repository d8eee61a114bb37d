/** Loading what an operation acts on, answering 404 for what does not exist (any more). */
import { notFound } from "../../shared/errors";
import type { MemberDoc, PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";

/** A property that is not deleted (deleted ones stay as tombstones until their event is out). */
export async function loadLiveProperty(this: PropertiesService, propertyId: string) {
	const property = await this.models.Property.findOne({
		_id: propertyId,
		deleted_at: null,
	}).lean<PropertyDoc>();
	if (!property) throw notFound("property");
	return property;
}

/** A current member of the property (not one whose removal is being published). */
export async function loadActiveMember(
	this: PropertiesService,
	propertyId: string,
	userId: string,
) {
	const member = await this.models.Member.findOne({
		property_id: propertyId,
		user_id: userId,
		removed_at: null,
	}).lean<MemberDoc>();
	if (!member) throw notFound("member");
	return member;
}
