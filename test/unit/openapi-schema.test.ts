import { objectSchema, toJsonSchema } from "../../services/api/openapi-schema";
import { optionalText, pagination, requiredText } from "../../shared/params";

describe("parameter rules to JSON Schema", () => {
	it("converts the shared building blocks", () => {
		expect(toJsonSchema(requiredText(100))).toEqual({
			type: "string",
			minLength: 1,
			maxLength: 100,
		});
		expect(toJsonSchema(optionalText(20))).toEqual({
			type: "string",
			maxLength: 20,
			nullable: true,
		});
		expect(toJsonSchema(pagination(300).size)).toEqual({
			type: "integer",
			minimum: 1,
			maximum: 300,
			default: 20,
		});
	});

	it("converts enums, uuids, arrays, nested objects and shorthand strings", () => {
		expect(toJsonSchema({ type: "enum", values: ["en", "es"] })).toEqual({
			type: "string",
			enum: ["en", "es"],
		});
		expect(toJsonSchema("uuid|optional")).toEqual({ type: "string", format: "uuid" });
		expect(toJsonSchema({ type: "array", items: "string" })).toEqual({
			type: "array",
			items: { type: "string" },
		});
		expect(objectSchema({ a: "string", b: { type: "number", optional: true } })).toEqual({
			type: "object",
			properties: { a: { type: "string" }, b: { type: "number" } },
			required: ["a"],
		});
	});

	it("keeps string patterns, which survive the registry", () => {
		expect(toJsonSchema({ type: "string", pattern: "^[0-9]+$" })).toEqual({
			type: "string",
			pattern: "^[0-9]+$",
		});
	});
});
