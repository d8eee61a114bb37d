/**
 * The request id names every log line written for a request, in the gateway and in every
 * service that handled it, and credentials never reach a log.
 */
import accounts from "../../services/accounts/accounts.service";
import { client } from "../helpers/http";
import { startStack, type Stack } from "../helpers/stack";
import { mintJwt } from "../helpers/tokens";

let stack: Stack;
const lines: string[] = [];

beforeAll(async () => {
	for (const method of ["log", "warn", "error"] as const) {
		jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			lines.push(args.map(String).join(" "));
		});
	}
	stack = await startStack("reqlog", [accounts], { logs: true });
});
afterAll(async () => {
	await stack?.stop();
	jest.restoreAllMocks();
});

it("tags the gateway's and the accounts service's lines with the request id", async () => {
	const token = mintJwt({ sub: "logged-user" });
	const res = await client(stack.url).post("/v1/auth/register", {
		token,
		headers: { "x-request-id": "trace-me-123" },
	});
	expect(res.status).toBe(201);

	const tagged = lines.filter((line) => line.includes("[trace-me-123]"));
	// "<time> <LEVEL> <node id>/<MODULE> [<request id>]: …" with node ids like "api-1a2b3c"
	const nodes = new Set(tagged.map((line) => /^\S+ \S+\s+([a-z]+)-/.exec(line)?.[1]));
	expect(nodes).toEqual(new Set(["api", "accounts"]));
	expect(tagged.some((line) => line.includes("Registered user"))).toBe(true);
	expect(lines.join("\n")).not.toContain(token);
});
