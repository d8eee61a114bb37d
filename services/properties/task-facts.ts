/**
 * What the tasks service shows and schedules with, per property (§14, §17.15/16): the
 * TaskProperty and PublicTask property fields, the time zone and clock times, and who cleans
 * by default. Deleted properties answer too, flagged, so their tasks can be wound down.
 */
import type { PropertyDoc } from "./models";
import type { PropertiesService } from "./service-types";
import { coverFields } from "./views";

export async function taskProperties(this: PropertiesService, ids: string[]) {
	const properties = await this.models.Property.find({ _id: { $in: ids } })
		.select(
			"account_id owner_user_id name address city zip_code timezone checkin_time " +
				"checkout_time default_cleaner_id cover_key cover_widths deleted_at",
		)
		.lean<PropertyDoc[]>();
	return properties.map((property) => ({
		id: property._id,
		account_id: property.account_id,
		owner_user_id: property.owner_user_id,
		name: property.name,
		address: property.address,
		city: property.city,
		zip_code: property.zip_code,
		timezone: property.timezone,
		checkin_time: property.checkin_time,
		checkout_time: property.checkout_time,
		default_cleaner_id: property.default_cleaner_id ?? property.owner_user_id,
		cover_image_url: coverFields(property).cover_image_url,
		deleted: property.deleted_at !== null,
	}));
}
