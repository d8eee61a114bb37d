/**
 * Converts fastest-validator parameter rules (the actions' `params`) into JSON Schema for the
 * generated OpenAPI document, so the document cannot drift from what the services validate.
 */

export type JsonSchema = Record<string, unknown>;

export interface Rule {
	type?: string;
	optional?: boolean;
	nullable?: boolean;
	default?: unknown;
	min?: number;
	max?: number;
	length?: number;
	integer?: boolean;
	positive?: boolean;
	pattern?: RegExp | string;
	values?: unknown[];
	enum?: unknown[];
	props?: Record<string, Rule | string>;
	properties?: Record<string, Rule | string>;
	items?: Rule | string;
	rules?: (Rule | string)[];
	description?: string;
	empty?: boolean;
	format?: string;
	value?: unknown;
	[key: string]: unknown;
}

export function ruleOf(rule: Rule | string): Rule {
	if (typeof rule !== "string") return rule;
	const [type, ...flags] = rule.split("|");
	const parsed: Rule = { type };
	for (const flag of flags) {
		const [name, value] = flag.split(":");
		parsed[name] = value === undefined ? true : isNaN(Number(value)) ? value : Number(value);
	}
	return parsed;
}

function withNullable(schema: JsonSchema, rule: Rule): JsonSchema {
	if (rule.description) schema.description = rule.description;
	if (rule.default !== undefined && typeof rule.default !== "function")
		schema.default = rule.default;
	if (rule.nullable) schema.nullable = true;
	return schema;
}

function stringSchema(rule: Rule): JsonSchema {
	const schema: JsonSchema = { type: "string" };
	if (rule.min !== undefined) schema.minLength = rule.min;
	else if (rule.empty === false) schema.minLength = 1;
	if (rule.max !== undefined) schema.maxLength = rule.max;
	if (rule.length !== undefined) schema.minLength = schema.maxLength = rule.length;
	// A RegExp does not survive the trip through the service registry; strings do.
	if (typeof rule.pattern === "string") schema.pattern = rule.pattern;
	else if (rule.pattern instanceof RegExp) schema.pattern = rule.pattern.source;
	if (rule.enum) schema.enum = rule.enum;
	if (rule.format) schema.format = rule.format;
	return schema;
}

export function toJsonSchema(input: Rule | string): JsonSchema {
	const rule = ruleOf(input);
	switch (rule.type) {
		case "string":
			return withNullable(stringSchema(rule), rule);
		case "uuid":
			return withNullable({ type: "string", format: "uuid" }, rule);
		case "email":
			return withNullable({ type: "string", format: "email" }, rule);
		case "url":
			return withNullable({ type: "string", format: "uri" }, rule);
		case "date":
			return withNullable({ type: "string", format: "date-time" }, rule);
		case "boolean":
			return withNullable({ type: "boolean" }, rule);
		case "number": {
			const schema: JsonSchema = { type: rule.integer ? "integer" : "number" };
			if (rule.min !== undefined) schema.minimum = rule.min;
			if (rule.max !== undefined) schema.maximum = rule.max;
			if (rule.positive) schema.exclusiveMinimum = 0;
			return withNullable(schema, rule);
		}
		case "enum":
			return withNullable({ type: "string", enum: rule.values ?? [] }, rule);
		case "equal":
			return withNullable({ enum: [rule.value] }, rule);
		case "array":
			return withNullable(
				{ type: "array", items: rule.items ? toJsonSchema(rule.items) : {} },
				rule,
			);
		case "object":
			return withNullable(objectSchema(rule.props ?? rule.properties ?? {}), rule);
		case "multi":
			return withNullable({ oneOf: (rule.rules ?? []).map(toJsonSchema) }, rule);
		default:
			return withNullable({}, rule);
	}
}

export function isRequired(input: Rule | string): boolean {
	const rule = ruleOf(input);
	return !rule.optional && rule.default === undefined;
}

export function objectSchema(props: Record<string, Rule | string>): JsonSchema {
	const properties: Record<string, JsonSchema> = {};
	const required: string[] = [];
	for (const [name, rule] of Object.entries(props)) {
		if (name.startsWith("$$")) continue;
		properties[name] = toJsonSchema(rule);
		if (isRequired(rule)) required.push(name);
	}
	return required.length > 0
		? { type: "object", properties, required }
		: { type: "object", properties };
}
