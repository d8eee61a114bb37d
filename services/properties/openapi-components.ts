/** Response schemas the properties service adds to the OpenAPI document (§17.4–§17.7). */
const instant = { type: "string", format: "date-time" };
const nullable = (schema: object) => ({ ...schema, nullable: true });
const string = { type: "string" };
const integer = { type: "integer" };
const uuid = { type: "string", format: "uuid" };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const roles = { type: "string", enum: ["owner", "manager", "staff", "contractor"] };
const services = {
	type: "array",
	items: { type: "string", enum: ["cleaning", "maintenance", "pool", "gardening"] },
};

const object = (properties: Record<string, object>, description?: string) => ({
	type: "object",
	...(description ? { description } : {}),
	required: Object.keys(properties),
	properties,
});

const REDACTED = "Null for staff and contractors (the redacted property).";

const propertyFields = {
	id: uuid,
	account_id: uuid,
	name: string,
	address: string,
	city: string,
	zip_code: string,
	country: nullable({ ...string, description: "English name of the country." }),
	country_id: nullable(uuid),
	country_code: nullable({ ...string, example: "ES" }),
	province_id: nullable(uuid),
	city_id: nullable(uuid),
	timezone: { ...string, example: "Europe/Madrid" },
	checkin_time: { ...string, example: "15:00" },
	checkout_time: { ...string, example: "11:00" },
	airbnb_ical_url: nullable({ ...string, description: REDACTED }),
	booking_ical_url: nullable({ ...string, description: REDACTED }),
	default_cleaner_id: { ...uuid, description: "The owner when no one else is set." },
	ses_establishment_code: nullable({ ...string, description: REDACTED }),
	ses_establishment_type: nullable({ ...string, description: REDACTED }),
	has_internet: nullable({ type: "boolean" }),
	rooms_count: nullable(integer),
	access_code_buffer_before_minutes: nullable({ ...integer, description: REDACTED }),
	access_code_buffer_after_minutes: nullable({ ...integer, description: REDACTED }),
	cover_image_url: nullable(string),
	cover_image_urls: nullable({
		type: "object",
		additionalProperties: string,
		description: "Width in pixels → URL of that WebP variant.",
	}),
	ical_export_url: nullable({ ...string, description: REDACTED }),
	role: { ...roles, description: "The caller's role on the property." },
	created_at: instant,
	updated_at: instant,
};

export const propertyComponents = {
	Property: object(propertyFields),
	PropertyDetail: object({
		...propertyFields,
		calendars: nullable({ type: "array", items: ref("IcalFeedStatus") }),
		smartlocks: nullable({ type: "array", items: { type: "object" } }),
		team: nullable({ type: "array", items: ref("PropertyMember") }),
		default_cleaner: object({ user_id: uuid, name: string }),
	}),
	IcalFeedStatus: object({
		source: { type: "string", enum: ["airbnb", "booking"] },
		url: string,
		status: { type: "string", enum: ["pending", "ok", "error"] },
		last_sync_at: nullable(instant),
		last_success_at: nullable(instant),
		last_error: nullable(string),
		consecutive_failures: integer,
		events_count: nullable(integer),
	}),
	PropertyMember: object({
		user_id: uuid,
		property_id: uuid,
		name: string,
		email: { type: "string", format: "email" },
		access_level: roles,
		services,
		is_default_cleaner: { type: "boolean" },
		joined_at: instant,
	}),
	PropertyInvitation: object({
		id: uuid,
		propertyId: uuid,
		token: { ...string, example: "K7M2Q9ZD4XTW8B6NCRF3JYPAH5" },
		uses: integer,
		maxUses: nullable(integer),
		createdAt: instant,
		expiresAt: nullable(instant),
		acceptedAt: nullable(instant),
		revokedAt: nullable(instant),
		status: { type: "string", enum: ["active", "expired", "exhausted", "revoked"] },
		accessLevel: { type: "string", enum: ["manager", "staff", "contractor"] },
		services,
		locale: { type: "string", enum: ["en", "es"] },
		email: nullable({ type: "string", format: "email" }),
	}),
	IcalExport: object({
		url: { ...string, description: "The public feed URL; it carries the token." },
		created_at: instant,
	}),
	InvitationAcceptance: object({
		propertyId: uuid,
		propertyName: string,
		accessLevel: { type: "string", enum: ["manager", "staff", "contractor"] },
	}),
};
