/**
 * Shared set-up of the properties, crew and invitation suites: the stack (gateway, accounts,
 * properties and a geo stand-in), registered users, properties, and crew joined through real
 * invitations.
 */
import type { ServiceSchema } from "moleculer";
import accounts from "../../services/accounts/accounts.service";
import properties from "../../services/properties/properties.service";
import { client } from "../helpers/http";
import { startStack, type Stack, type StackOptions } from "../helpers/stack";
import { mintJwt, type TokenClaims } from "../helpers/tokens";

const SPAIN = { id: "0c6a0d9e-7b1f-4a53-9f3e-000000000724", name: "Spain", alpha_2: "ES" };
const PORTUGAL = { id: "0c6a0d9e-7b1f-4a53-9f3e-000000000620", name: "Portugal", alpha_2: "PT" };
const province = (code: string) => ({
	id: `1d7b1eaf-8c20-4b64-a04f-0000000000${code}`,
	country_id: SPAIN.id,
	ine_code_pro: code,
});
const city = (ine: string, provinceCode: string) => ({
	id: `2e8c2fb0-9d31-4c75-b150-000000${ine}0`,
	province_id: province(provinceCode).id,
	country_id: SPAIN.id,
});

/** Ids of the geo data the stand-in knows. */
export const GEO = {
	spain: SPAIN,
	portugal: PORTUGAL,
	madrid: province("28"),
	lasPalmas: province("35"),
	tenerife: province("38"),
	madridCity: city("28079", "28"),
	laguna: city("38023", "38"),
};

const COUNTRIES = [
	{ ...SPAIN, alpha_3: "ESP" },
	{ ...PORTUGAL, alpha_3: "PRT" },
];
const PROVINCES = [GEO.madrid, GEO.lasPalmas, GEO.tenerife];
const CITIES = [GEO.madridCity, GEO.laguna];

/**
 * Stands in for the geo service (its internal `geo.resolve`), so these suites need not load
 * the whole geo dataset. The real service (services/geo) answers the same shape and is a
 * drop-in replacement in `startPropertiesStack`, with its own ids instead of GEO's.
 */
export const geoStub: ServiceSchema = {
	name: "geo",
	actions: {
		// The gateway's readiness asks every domain service, geo included.
		health: { visibility: "public", handler: () => ({ status: "ok", database: "ok" }) },
		resolve: {
			visibility: "public",
			params: {
				country_code: { type: "string", optional: true },
				province_id: { type: "uuid", optional: true },
				city_id: { type: "uuid", optional: true },
			},
			handler(ctx) {
				const {
					country_code: code,
					province_id: provinceId,
					city_id: cityId,
				} = ctx.params as Record<string, string | undefined>;
				const upper = code?.toUpperCase();
				return {
					country:
						COUNTRIES.find((c) => c.alpha_2 === upper || c.alpha_3 === upper) ?? null,
					province: PROVINCES.find((p) => p.id === provinceId?.toLowerCase()) ?? null,
					city: CITIES.find((c) => c.id === cityId?.toLowerCase()) ?? null,
				};
			},
		},
	},
};

export type Http = ReturnType<typeof client>;

export async function startPropertiesStack(
	label: string,
	extra: ServiceSchema[] = [],
	options: StackOptions = {},
): Promise<{ stack: Stack; http: Http }> {
	const stack = await startStack(label, [accounts, geoStub, properties, ...extra], options);
	return { stack, http: client(stack.url) };
}

export interface TestUser {
	sub: string;
	token: string;
	id: string;
	accountId: string;
	email: string;
}

export async function registerUser(
	http: Http,
	sub: string,
	claims: Partial<TokenClaims> = {},
): Promise<TestUser> {
	const token = mintJwt({ sub, given_name: sub, family_name: "Test", ...claims });
	const res = await http.post("/v1/auth/register", { token });
	if (res.status !== 201) throw new Error(`register ${sub}: ${res.status} ${res.text}`);
	return { sub, token, id: res.body.user_id, accountId: res.body.id, email: res.body.email };
}

/** A valid creation body; fields can be overridden or removed (with undefined). */
export function propertyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		name: "Casa Azul",
		address: "Calle Mayor 12, 2ºB",
		city: "Madrid",
		zip_code: "28013",
		province_id: GEO.madrid.id,
		city_id: GEO.madridCity.id,
		airbnb_ical_url: "https://www.airbnb.es/calendar/ical/123456.ics?s=abc",
		ses_establishment_code: "0000004567",
		ses_establishment_type: "VUT",
		has_internet: true,
		rooms_count: 2,
		...overrides,
	};
}

export async function createProperty(
	http: Http,
	owner: TestUser,
	overrides: Record<string, unknown> = {},
): Promise<any> {
	const res = await http.post("/v1/properties", {
		token: owner.token,
		body: propertyBody(overrides),
	});
	if (res.status !== 201) throw new Error(`create property: ${res.status} ${res.text}`);
	return res.body;
}

export async function invite(
	http: Http,
	inviter: TestUser,
	propertyId: string,
	body: Record<string, unknown>,
): Promise<any> {
	const res = await http.post(`/v1/properties/${propertyId}/invitations`, {
		token: inviter.token,
		body,
	});
	if (res.status !== 201) throw new Error(`invite: ${res.status} ${res.text}`);
	return res.body;
}

/** Makes `member` join the property at `accessLevel` through an invitation of the owner's. */
export async function join(
	http: Http,
	owner: TestUser,
	propertyId: string,
	member: TestUser,
	accessLevel: "manager" | "staff" | "contractor",
	services?: string[],
): Promise<void> {
	const invitation = await invite(http, owner, propertyId, { accessLevel, services });
	const res = await http.post(`/v1/invitations/${invitation.token}/accept`, {
		token: member.token,
	});
	if (res.status !== 200) throw new Error(`accept: ${res.status} ${res.text}`);
}

export const ROLES = ["owner", "manager", "staff", "contractor"] as const;
export type Role = (typeof ROLES)[number];

/** A property with an owner and one member of each other role, plus a stranger. */
export interface World {
	propertyId: string;
	users: Record<Role | "stranger", TestUser>;
}

let worlds = 0;

export async function buildWorld(http: Http, prefix: string): Promise<World> {
	const n = ++worlds;
	const names = ["owner", "manager", "staff", "contractor", "stranger"] as const;
	const users = Object.fromEntries(
		await Promise.all(
			names.map(async (name) => [name, await registerUser(http, `${prefix}-${n}-${name}`)]),
		),
	) as World["users"];
	const property = await createProperty(http, users.owner);
	await join(http, users.owner, property.id, users.manager, "manager");
	await join(http, users.owner, property.id, users.staff, "staff");
	await join(http, users.owner, property.id, users.contractor, "contractor", ["maintenance"]);
	return { propertyId: property.id, users };
}

/** The properties service instance, for tests that must age or inspect stored documents. */
export function propertiesService(stack: Stack): any {
	return stack.brokers.get("properties")?.getLocalService("properties");
}
