/**
 * The permission matrix of the booking operations (§18.1, rows 6–11): owner and manager see
 * everything, staff the redacted booking, contractors get 403 (and nothing in the
 * cross-property list), strangers 404, anonymous callers 401.
 */
import accounts from "../../services/accounts/accounts.service";
import bookings from "../../services/bookings/bookings.service";
import properties from "../../services/properties/properties.service";
import { client } from "../helpers/http";
import { startStack, type Stack } from "../helpers/stack";
import { buildWorld, geoStub, type Http, type World } from "./properties-fixtures";

let stack: Stack;
let http: Http;
let world: World;
let bookingId: string;

const PERSONAL = [
	"guest_first_name",
	"guest_last_name",
	"guest_email",
	"guest_phone",
	"checkin_code",
	"payment_type",
];

beforeAll(async () => {
	stack = await startStack("bookroles", [accounts, geoStub, properties, bookings]);
	http = client(stack.url);
	world = await buildWorld(http, "bookroles");
	const today = new Date();
	const iso = (days: number) =>
		new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
	// From yesterday to tomorrow with a whole-day window: in progress now in any time zone.
	const res = await http.post(`/v1/properties/${world.propertyId}/bookings`, {
		token: world.users.owner.token,
		body: {
			from: iso(-1),
			to: iso(2),
			checkin_time: "00:00",
			checkout_time: "23:59",
			guest_first_name: "Lucía",
			guest_email: "lucia@example.es",
			payment_type: "card",
			channel_id: "R-1",
		},
	});
	if (res.status !== 201) throw new Error(`create booking: ${res.status} ${res.text}`);
	bookingId = res.body.id;
});
afterAll(() => stack?.stop());

type Caller = keyof World["users"] | "anonymous";
const CALLERS: Caller[] = ["owner", "manager", "staff", "contractor", "stranger", "anonymous"];

function call(caller: Caller, method: "get" | "post" | "patch", path: string, body?: object) {
	const token = caller === "anonymous" ? undefined : world.users[caller].token;
	return http[method](path, { token, body });
}

const ops = () => ({
	current: ["get", `/v1/properties/${world.propertyId}/bookings/current`],
	list: ["get", `/v1/properties/${world.propertyId}/bookings`],
	create: [
		"post",
		`/v1/properties/${world.propertyId}/bookings`,
		{ from: "2032-01-01", to: "2032-01-02" },
	],
	get: ["get", `/v1/bookings/${bookingId}`],
	update: ["patch", `/v1/bookings/${bookingId}`, { notes: "checked" }],
});

const EXPECTED: Record<string, Record<Caller, number>> = {
	current: {
		owner: 200,
		manager: 200,
		staff: 200,
		contractor: 403,
		stranger: 404,
		anonymous: 401,
	},
	list: { owner: 200, manager: 200, staff: 200, contractor: 403, stranger: 404, anonymous: 401 },
	create: {
		owner: 201,
		manager: 201,
		staff: 403,
		contractor: 403,
		stranger: 404,
		anonymous: 401,
	},
	get: { owner: 200, manager: 200, staff: 200, contractor: 403, stranger: 404, anonymous: 401 },
	update: {
		owner: 200,
		manager: 200,
		staff: 403,
		contractor: 403,
		stranger: 404,
		anonymous: 401,
	},
};

describe.each(Object.keys(EXPECTED))("%s", (op) => {
	it.each(CALLERS)("answers %s as the matrix says", async (caller) => {
		const [method, path, body] = ops()[op as keyof ReturnType<typeof ops>] as [
			"get" | "post" | "patch",
			string,
			object?,
		];
		// Distinct dates per creator, so that no create fails on overlap.
		const payload =
			op === "create"
				? {
						from: `2032-0${CALLERS.indexOf(caller) + 1}-01`,
						to: `2032-0${CALLERS.indexOf(caller) + 1}-03`,
					}
				: body;
		const res = await call(caller, method, path, payload);
		expect(res.status).toBe(EXPECTED[op][caller]);
	});
});

it("gives staff the redacted booking and full data to owners and managers", async () => {
	for (const caller of ["owner", "manager"] as const) {
		const res = await call(caller, "get", `/v1/bookings/${bookingId}`);
		expect(res.body).toMatchObject({ guest_first_name: "Lucía", payment_type: "card" });
		expect(res.body.checkin_code).toHaveLength(26);
	}
	const staff = await call("staff", "get", `/v1/bookings/${bookingId}`);
	for (const field of [...PERSONAL, "ses_status", "ses_communications", "access_codes"]) {
		expect(staff.body[field]).toBeNull();
	}
	expect(staff.body).toMatchObject({ id: bookingId, channel_id: "R-1" });
	const current = await call(
		"staff",
		"get",
		`/v1/properties/${world.propertyId}/bookings/current`,
	);
	expect(current.body).toMatchObject({ id: bookingId, guest_first_name: null });
});

it("lets staff query only channel id and notes, not guest data", async () => {
	const list = (q: string) =>
		call("staff", "get", `/v1/properties/${world.propertyId}/bookings?query=${q}`);
	expect((await list("lucia")).body.total).toBe(0);
	expect((await list("r-1")).body.total).toBe(1);
	const owner = await call(
		"owner",
		"get",
		`/v1/properties/${world.propertyId}/bookings?query=lucia`,
	);
	expect(owner.body.total).toBe(1);
});

it("leaves contractors' and strangers' properties out of the cross-property list", async () => {
	const path = `/v1/bookings?propertyId=${world.propertyId}`;
	for (const caller of ["contractor", "stranger"] as const) {
		const res = await call(caller, "get", path);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ bookings: [], total: 0 });
	}
	const staff = await call("staff", "get", path);
	expect(staff.body.total).toBeGreaterThan(0);
	expect(staff.body.bookings.every((b: any) => b.guest_email === null)).toBe(true);
	const owner = await call("owner", "get", path);
	expect(owner.body.total).toBe(staff.body.total);
	expect((await call("anonymous", "get", "/v1/bookings")).status).toBe(401);
});

it("answers 204 when no stay is in progress", async () => {
	const res = await http.post("/v1/properties", {
		token: world.users.owner.token,
		body: {
			name: "Empty",
			address: "Calle 1",
			city: "Madrid",
			zip_code: "28013",
		},
	});
	const current = await call("owner", "get", `/v1/properties/${res.body.id}/bookings/current`);
	expect(current.status).toBe(204);
});
