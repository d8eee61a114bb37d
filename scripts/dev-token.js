#!/usr/bin/env node
/**
 * Mints a JWT for local development, signed with the configured HS256 secret (or the built-in
 * development secret), with the configured issuer and audience.
 *
 *   npm run token -- [--sub alice] [--email alice@example.es] [--name "Alice Example"]
 *                    [--hours 12]
 */
const { parseArgs } = require("node:util");
const path = require("node:path");
const fs = require("node:fs");
const jwt = require("jsonwebtoken");

const envFile = path.join(__dirname, "..", ".env");
if (fs.existsSync(envFile)) process.loadEnvFile(envFile);

const { loadConfig } = require("../dist/shared/config");

const { values } = parseArgs({
	options: {
		sub: { type: "string", default: "dev-user" },
		email: { type: "string" },
		name: { type: "string", default: "Dev User" },
		hours: { type: "string", default: "12" },
	},
});

const cfg = loadConfig().jwt;
if (!cfg.secret) {
	console.error("npm run token signs with AUTH_JWT_SECRET (HS256); this configuration uses");
	console.error("a public key or JWKS, so get a token from the identity provider instead.");
	process.exit(1);
}
const [givenName, ...rest] = values.name.split(" ");
const token = jwt.sign(
	{
		email: values.email ?? `${values.sub}@example.com`,
		email_verified: true,
		given_name: givenName,
		family_name: rest.join(" ") || undefined,
	},
	cfg.secret,
	{
		algorithm: "HS256",
		subject: values.sub,
		issuer: cfg.issuer ?? undefined,
		audience: cfg.audience ?? undefined,
		expiresIn: `${Number(values.hours)}h`,
	},
);
process.stdout.write(`${token}\n`);
