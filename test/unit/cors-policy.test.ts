/** The CORS policies of services/api/cors.ts, from the CORS_ORIGINS setting (§1.10). */
import { allowsOrigin, businessCors, PUBLIC_CORS } from "../../services/api/cors";

describe("business CORS policy", () => {
	it("allows no cross-origin page when CORS_ORIGINS is empty", () => {
		const policy = businessCors([]);
		expect(allowsOrigin(policy, "https://app.example.es")).toBe(false);
		expect(policy.credentials).toBe(false);
	});

	it("allows exactly the listed origins, with credentials", () => {
		const policy = businessCors(["https://app.example.es", "https://admin.example.es"]);
		expect(allowsOrigin(policy, "https://admin.example.es")).toBe(true);
		expect(allowsOrigin(policy, "https://app.example.es.evil.com")).toBe(false);
		expect(allowsOrigin(policy, "http://app.example.es")).toBe(false);
		expect(policy.credentials).toBe(true);
	});

	it("allows any origin for *, then without credentials", () => {
		const policy = businessCors(["*"]);
		expect(allowsOrigin(policy, "https://anywhere.example")).toBe(true);
		expect(policy.credentials).toBe(false);
	});
});

describe("public CORS policy", () => {
	it("allows any origin for GET and POST only, without credentials or Authorization", () => {
		expect(allowsOrigin(PUBLIC_CORS, "https://anywhere.example")).toBe(true);
		expect(PUBLIC_CORS.methods.filter((m) => m !== "OPTIONS")).toEqual(["GET", "POST"]);
		expect(PUBLIC_CORS.credentials).toBe(false);
		expect(PUBLIC_CORS.allowedHeaders).not.toContain("Authorization");
	});
});
