/**
 * Typing help for mixins: lifecycle handlers see the mixin's own `this` (with the members it
 * adds), while Moleculer's `mixins` arrays take plain schemas. The one cast lives here.
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";

export type MixinSchema = Partial<ServiceSchema>;

export function defineMixin<T>(
	schema: Partial<ServiceSchema<ServiceSettingSchema, T>>,
): MixinSchema {
	return schema as MixinSchema;
}
