#!/usr/bin/env node
/**
 * Mints a JWT for local development, signed with the configured HS256 secret (or the built-in
 * development secret), with the configured issuer and audience.
 *
 *   npm run token -- [--sub alice] [--email alice@example.es] [--name "Alice Example"]
 *                    [--hours 12]
 *
 * The benchmarks sign their users' tokens with `mintDevToken` too.
 */
const { parseArgs } = require("node:util");
const path = require("node:path");
const fs = require("node:fs");
const jwt = require("jsonwebtoken");

/** A token as the identity provider would sign it; throws when there is no HS256 secret. */
function mintDevToken({ sub, email, name, hours }) {
	const { loadConfig } = require("../dist/shared/config");
	const cfg = loadConfig().jwt;
	if (!cfg.secret) {
		throw new Error(
			"Development tokens are signed with AUTH_JWT_SECRET (HS256); this configuration " +
				"uses a public key or JWKS, so get a token from the identity provider instead.",
		);
	}
	const [givenName, ...rest] = name.split(" ");
	return jwt.sign(
		{
			email: email ?? `${sub}@example.com`,
			email_verified: true,
			given_name: givenName,
			family_name: rest.join(" ") || undefined,
		},
		cfg.secret,
		{
			algorithm: "HS256",
			subject: sub,
			issuer: cfg.issuer ?? undefined,
			audience: cfg.audience ?? undefined,
			expiresIn: `${Number(hours)}h`,
		},
	);
}

function main() {
	const envFile = path.join(__dirname, "..", ".env");
	if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
	const { values } = parseArgs({
		options: {
			sub: { type: "string", default: "dev-user" },
			email: { type: "string" },
			name: { type: "string", default: "Dev User" },
			hours: { type: "string", default: "12" },
		},
	});
	try {
		process.stdout.write(`${mintDevToken(values)}\n`);
	} catch (err) {
		console.error(`npm run token: ${err.message}`);
		process.exit(1);
	}
}

if (require.main === module) main();

module.exports = { mintDevToken };
