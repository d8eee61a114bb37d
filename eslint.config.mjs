// Lint rules for the whole repository; formatting is Prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";
import globals from "globals";

export default tseslint.config(
	{ ignores: ["node_modules/", "dist/", ".local/", "coverage/", "tools/"] },
	js.configs.recommended,
	...tseslint.configs.recommended,
	prettier,
	{
		rules: {
			"@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
			"@typescript-eslint/no-require-imports": "off",
			"max-len": [
				"error",
				{ code: 100, ignoreUrls: true, ignoreStrings: false, ignoreRegExpLiterals: true },
			],
		},
	},
	{
		// Tests read loosely typed JSON answers.
		files: ["test/**/*.ts"],
		rules: { "@typescript-eslint/no-explicit-any": "off" },
	},
	{
		files: ["scripts/**/*.js", "test/**/*.js", "bench/**/*.js", "*.js"],
		languageOptions: { sourceType: "commonjs", globals: globals.node },
		// Scripts import what Node also offers as globals (URL, crypto) for clarity.
		rules: { "no-redeclare": ["error", { builtinGlobals: false }] },
	},
);
