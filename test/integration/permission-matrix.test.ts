/**
 * The permission matrix of spec §18 for every operation of the properties service, through
 * the gateway: each row is one operation (or one situation of it), each column a caller, each
 * cell the status the spec prescribes, plus redaction where §18 marks "R".
 *
 * Callers: anonymous, an authenticated but unregistered JWT, a registered user with no role
 * ("stranger"), and the owner, a manager, a staff member and a contractor of the property.
 */
import sharp from "sharp";
import type { Stack } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";
import {
	buildWorld,
	createProperty,
	invite,
	join,
	propertyBody,
	registerUser,
	startPropertiesStack,
	type Http,
	type Role,
	type World,
} from "./properties-fixtures";

const CALLERS = ["anon", "unregistered", "stranger", "owner", "manager", "staff", "contractor"];
type Caller = "anon" | "unregistered" | "stranger" | Role;

interface Req {
	method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
	path: string;
	body?: unknown;
	form?: FormData;
}

interface Row {
	/** The operation and, where the answer depends on it, the situation. */
	name: string;
	expect: Record<Caller, number>;
	/** The request, preparing first whatever this caller's attempt needs (a target, a key). */
	request(w: World, caller: Caller): Promise<Req>;
	/** Further assertions on a successful answer. */
	check?(body: any, caller: Caller, w: World): void;
	/** The caller's attempt changes the world itself: it gets a world of its own. */
	ownWorld?: boolean;
	/** The error code of this row's 409s. */
	conflict?: string;
}

/** Columns in §18 order: Anon, (unregistered JWT), No role, Owner, Manager, Staff, Contractor. */
const statuses = (...codes: number[]): Record<Caller, number> => {
	const [anon, stranger, owner, manager, staff, contractor] = codes;
	return { anon, unregistered: 403, stranger, owner, manager, staff, contractor };
};

let stack: Stack;
let http: Http;
let shared: World;
let sequence = 0;

beforeAll(async () => {
	({ stack, http } = await startPropertiesStack("matrix"));
	shared = await buildWorld(http, "mx");
});
afterAll(() => stack?.stop());

/** A new user who joins the world's property at `level`: a target that only one attempt uses. */
async function newMember(w: World, level: "manager" | "staff" | "contractor") {
	const member = await registerUser(http, `mx-target-${++sequence}`);
	await join(http, w.users.owner, w.propertyId, member, level);
	return member;
}

const coverForm = async () => {
	const image = await sharp({
		create: { width: 400, height: 300, channels: 3, background: "#3366aa" },
	})
		.jpeg()
		.toBuffer();
	const form = new FormData();
	form.append("file", new Blob([image], { type: "image/jpeg" }), "cover.jpg");
	return form;
};

const isRedactedFor = (caller: Caller) => caller === "staff" || caller === "contractor";

function checkRedaction(property: any, caller: Caller) {
	const redacted = isRedactedFor(caller);
	expect(property.role).toBe(caller);
	for (const field of ["airbnb_ical_url", "ses_establishment_code", "ses_establishment_type"]) {
		expect(property[field] === null).toBe(redacted);
	}
	expect(property.access_code_buffer_before_minutes === null).toBe(redacted);
	expect(property.name).toBe("Casa Azul");
}

const at = (w: World, suffix = "") => `/v1/properties/${w.propertyId}${suffix}`;

const ROWS: Row[] = [
	{
		name: "GET /v1/properties (list)",
		expect: statuses(401, 200, 200, 200, 200, 200),
		request: async () => ({ method: "GET", path: "/v1/properties?size=100" }),
		check(body, caller, w) {
			const found = body.properties.find((p: any) => p.id === w.propertyId);
			if (caller === "stranger") return expect(found).toBeUndefined(); // ∅
			checkRedaction(found, caller);
		},
	},
	{
		name: "POST /v1/properties (becomes owner)",
		expect: statuses(401, 201, 201, 201, 201, 201),
		request: async () => ({ method: "POST", path: "/v1/properties", body: propertyBody() }),
		check: (body) => expect(body.role).toBe("owner"),
	},
	{
		name: "GET /v1/properties/{id}",
		expect: statuses(401, 404, 200, 200, 200, 200),
		request: async (w) => ({ method: "GET", path: at(w) }),
		check(body, caller) {
			checkRedaction(body, caller);
			const redacted = isRedactedFor(caller);
			for (const block of ["calendars", "smartlocks", "team"]) {
				expect(body[block] === null).toBe(redacted);
			}
			expect(body.default_cleaner).toEqual({
				user_id: expect.any(String),
				name: "mx-1-owner Test",
			});
		},
	},
	{
		name: "PUT /v1/properties/{id}",
		expect: statuses(401, 404, 200, 200, 403, 403),
		request: async (w) => ({ method: "PUT", path: at(w), body: propertyBody() }),
	},
	{
		name: "PATCH /v1/properties/{id}",
		expect: statuses(401, 404, 200, 200, 403, 403),
		request: async (w) => ({ method: "PATCH", path: at(w), body: { rooms_count: 2 } }),
	},
	{
		name: "DELETE /v1/properties/{id}",
		expect: statuses(401, 404, 204, 403, 403, 403),
		request: async (w) => ({ method: "DELETE", path: at(w) }),
		ownWorld: true,
	},
	{
		name: "POST /v1/properties/{id}/cover",
		expect: statuses(401, 404, 200, 200, 403, 403),
		request: async (w) => ({ method: "POST", path: at(w, "/cover"), form: await coverForm() }),
		check: (body) => expect(body.cover_image_url).toMatch(/\/v1\/media\/covers\/\w{26}\//),
	},
	{
		name: "DELETE /v1/properties/{id}/cover",
		expect: statuses(401, 404, 204, 204, 403, 403),
		request: async (w) => ({ method: "DELETE", path: at(w, "/cover") }),
	},
	{
		name: "GET /v1/properties/{id}/invitations",
		expect: statuses(401, 404, 200, 200, 403, 403),
		request: async (w) => ({ method: "GET", path: at(w, "/invitations") }),
	},
	{
		name: "POST /v1/properties/{id}/invitations (staff)",
		expect: statuses(401, 404, 201, 201, 403, 403),
		request: async (w) => ({
			method: "POST",
			path: at(w, "/invitations"),
			body: { accessLevel: "staff" },
		}),
	},
	{
		name: "POST /v1/properties/{id}/invitations (manager: L)",
		expect: statuses(401, 404, 201, 403, 403, 403),
		request: async (w) => ({
			method: "POST",
			path: at(w, "/invitations"),
			body: { accessLevel: "manager" },
		}),
	},
	{
		name: "DELETE /v1/properties/{id}/invitations/{id} (staff invitation)",
		expect: statuses(401, 404, 204, 204, 403, 403),
		async request(w) {
			const invitation = await invite(http, w.users.owner, w.propertyId, {
				accessLevel: "contractor",
			});
			return { method: "DELETE", path: at(w, `/invitations/${invitation.id}`) };
		},
	},
	{
		name: "DELETE /v1/properties/{id}/invitations/{id} (manager invitation: L)",
		expect: statuses(401, 404, 204, 403, 403, 403),
		async request(w) {
			const invitation = await invite(http, w.users.owner, w.propertyId, {
				accessLevel: "manager",
			});
			return { method: "DELETE", path: at(w, `/invitations/${invitation.id}`) };
		},
	},
	{
		name: "GET /v1/properties/{id}/crew",
		expect: statuses(401, 404, 200, 200, 403, 403),
		request: async (w) => ({ method: "GET", path: at(w, "/crew") }),
		check: (body) =>
			expect(body.map((m: any) => m.access_level)).toEqual([
				"owner",
				"manager",
				"staff",
				"contractor",
			]),
	},
	{
		name: "DELETE /v1/properties/{id}/crew/{userId} (a staff member)",
		expect: statuses(401, 404, 204, 204, 403, 403),
		async request(w) {
			const target = await newMember(w, "staff");
			return { method: "DELETE", path: at(w, `/crew/${target.id}`) };
		},
	},
	{
		name: "DELETE /v1/properties/{id}/crew/{userId} (a manager: L)",
		expect: statuses(401, 404, 204, 403, 403, 403),
		async request(w) {
			const target = await newMember(w, "manager");
			return { method: "DELETE", path: at(w, `/crew/${target.id}`) };
		},
	},
	{
		name: "DELETE /v1/properties/{id}/crew/{userId} (the owner)",
		expect: statuses(401, 404, 409, 409, 409, 409),
		conflict: "OWNER_IMMUTABLE",
		request: async (w) => ({ method: "DELETE", path: at(w, `/crew/${w.users.owner.id}`) }),
	},
	{
		name: "DELETE /v1/properties/{id}/crew/{userId} (oneself: S)",
		expect: statuses(401, 404, 409, 204, 204, 204),
		conflict: "OWNER_IMMUTABLE",
		async request(w, caller) {
			const self = caller === "anon" || caller === "unregistered" ? "owner" : caller;
			return { method: "DELETE", path: at(w, `/crew/${w.users[self].id}`) };
		},
		ownWorld: true,
	},
	{
		name: "PATCH /v1/properties/{id}/crew/{userId} (staff → contractor)",
		expect: statuses(401, 404, 200, 200, 403, 403),
		async request(w) {
			const target = await newMember(w, "staff");
			return {
				method: "PATCH",
				path: at(w, `/crew/${target.id}`),
				body: { access_level: "contractor" },
			};
		},
		check: (body) => expect(body.access_level).toBe("contractor"),
	},
	{
		name: "PATCH /v1/properties/{id}/crew/{userId} (staff → manager: L)",
		expect: statuses(401, 404, 200, 403, 403, 403),
		async request(w) {
			const target = await newMember(w, "staff");
			return {
				method: "PATCH",
				path: at(w, `/crew/${target.id}`),
				body: { access_level: "manager" },
			};
		},
	},
	{
		name: "PATCH /v1/properties/{id}/crew/{userId} (a manager: L)",
		expect: statuses(401, 404, 200, 403, 403, 403),
		async request(w) {
			const target = await newMember(w, "manager");
			return {
				method: "PATCH",
				path: at(w, `/crew/${target.id}`),
				body: { access_level: "staff" },
			};
		},
	},
	{
		name: "PATCH /v1/properties/{id}/crew/{userId} (the owner)",
		expect: statuses(401, 404, 409, 409, 403, 403),
		conflict: "OWNER_IMMUTABLE",
		request: async (w) => ({
			method: "PATCH",
			path: at(w, `/crew/${w.users.owner.id}`),
			body: { access_level: "staff" },
		}),
	},
	{
		name: "POST /v1/invitations/{token}/accept",
		expect: statuses(401, 200, 409, 409, 409, 409),
		conflict: "ALREADY_MEMBER",
		async request(w) {
			const invitation = await invite(http, w.users.owner, w.propertyId, {
				accessLevel: "staff",
			});
			return { method: "POST", path: `/v1/invitations/${invitation.token}/accept` };
		},
	},
];

const tokens = new Map<string, string>();

function tokenOf(w: World, caller: Caller): string | undefined {
	if (caller === "anon") return undefined;
	if (caller === "unregistered") {
		if (!tokens.has(caller)) tokens.set(caller, mintJwt({ sub: "mx-never-registered" }));
		return tokens.get(caller);
	}
	return w.users[caller].token;
}

async function send(w: World, caller: Caller, req: Req) {
	const token = tokenOf(w, caller);
	if (req.form) {
		const res = await fetch(stack.url + req.path, {
			method: req.method,
			headers: token ? { authorization: `Bearer ${token}` } : {},
			body: req.form,
		});
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : null };
	}
	const method = req.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
	return http[method](req.path, { token, body: req.body });
}

/** The documented code of each refusal (§20). */
function codeOf(status: number, caller: Caller, row: Row): string | undefined {
	if (status === 401) return "UNAUTHENTICATED";
	if (status === 403) return caller === "unregistered" ? "USER_NOT_REGISTERED" : "FORBIDDEN";
	if (status === 404) return "NOT_FOUND";
	if (status === 409) return row.conflict;
	return undefined;
}

describe.each(ROWS)("$name", (row) => {
	it.each(CALLERS.map((caller) => [caller, row.expect[caller as Caller]]))(
		"%s → %i",
		async (name, expected) => {
			const caller = name as Caller;
			const w = row.ownWorld ? await buildWorld(http, "mx") : shared;
			const res = await send(w, caller, await row.request(w, caller));
			expect({ status: res.status, code: res.body?.error?.code }).toEqual({
				status: expected,
				code: codeOf(expected, caller, row),
			});
			if (res.status < 300) row.check?.(res.body, caller, w);
		},
	);
});

describe("GET /v1/media/covers/{key}/{width}.webp (public)", () => {
	let path: string;

	beforeAll(async () => {
		const owner = await registerUser(http, "mx-cover-owner");
		const property = await createProperty(http, owner);
		const upload = await fetch(`${stack.url}/v1/properties/${property.id}/cover`, {
			method: "POST",
			headers: { authorization: `Bearer ${owner.token}` },
			body: await coverForm(),
		});
		path = new URL(((await upload.json()) as any).cover_image_url).pathname;
	});

	it.each([["anon"], ["stranger"]])("is served to %s", async (caller) => {
		const token = caller === "stranger" ? shared.users.stranger.token : undefined;
		const file = await http.get(path, { token });
		expect(file.status).toBe(200);
		expect(file.headers.get("content-type")).toBe("image/webp");
	});
});
