/**
 * The action parameter validator: Moleculer's fastest-validator, with one rule changed.
 *
 * By default fastest-validator lets `null` through every `optional` field, so a PATCH with
 * `"status": null` or `"children_count": null` reached the handlers and was stored (or
 * crashed them). Here `null` is a value like any other: a field accepts it only where its
 * rule says `nullable: true`, and is otherwise refused with the same 422 as a missing
 * required field. Optional still means "may be left out"; a `null` where a rule has a
 * default takes the default, as a missing value does.
 */
import FastestValidatorEngine from "fastest-validator";
import type { ValidatorOptions } from "moleculer";

/** Every rule type the engine knows, each defaulting to `nullable: false`. */
function nonNullableDefaults(): Record<string, { nullable: false }> {
	const types = Object.keys((new FastestValidatorEngine() as unknown as EngineRules).rules);
	return Object.fromEntries(types.map((type) => [type, { nullable: false as const }]));
}

interface EngineRules {
	rules: Record<string, unknown>;
}

/** The broker's `validator` option. */
export function paramValidator(): ValidatorOptions {
	return {
		type: "Fastest",
		options: {
			considerNullAsAValue: true,
			defaults: nonNullableDefaults(),
			// One message for both: the engine does not tell a missing field from a null one.
			messages: { required: "The '{field}' field is required and cannot be null." },
		},
	};
}
