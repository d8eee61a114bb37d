/**
 * JWT verification against each key source: a JWKS endpoint (served locally), a PEM public
 * key and an HS256 secret, including algorithm-confusion attempts.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { JwtVerifier } from "../../services/api/jwt";
import type { JwtConfig } from "../../shared/config";

const issuer = "https://idp.example";
const audience = "kasify-api";

function keyPair() {
	return generateKeyPairSync("rsa", { modulusLength: 2048 });
}

const sign = (key: KeyObject | string, options: jwt.SignOptions = {}, claims: object = {}) =>
	jwt.sign({ email: "a@example.es", ...claims }, key, {
		algorithm: "RS256",
		subject: "user-1",
		issuer,
		audience,
		expiresIn: "5m",
		...options,
	});

const config = (overrides: Partial<JwtConfig>): JwtConfig => ({
	secret: null,
	publicKey: null,
	jwksUrl: null,
	issuer,
	audience,
	algorithms: ["RS256", "ES256"],
	...overrides,
});

const codeOf = (promise: Promise<unknown>) =>
	promise.then(
		() => "ok",
		(err: { type?: string }) => err.type,
	);

describe("with a JWKS URL", () => {
	const first = keyPair();
	const second = keyPair();
	let published: { kid: string; key: KeyObject }[] = [{ kid: "k1", key: first.publicKey }];
	let fetches = 0;
	let server: Server;
	let url: string;

	beforeAll(async () => {
		server = createServer((_req, res) => {
			fetches++;
			const keys = published.map(({ kid, key }) => ({
				...key.export({ format: "jwk" }),
				kid,
				use: "sig",
				alg: "RS256",
			}));
			res.setHeader("Content-Type", "application/json");
			res.end(JSON.stringify({ keys }));
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
	});
	afterAll(() => new Promise((resolve) => server.close(resolve)));

	it("verifies a token signed with a published key and reads its claims", async () => {
		const verifier = new JwtVerifier(config({ jwksUrl: url }));
		const token = sign(first.privateKey, { keyid: "k1" }, { given_name: "Ana" });
		await expect(verifier.verify(token)).resolves.toMatchObject({
			sub: "user-1",
			email: "a@example.es",
			givenName: "Ana",
		});
	});

	it("refetches the key set when an unknown kid appears (key rotation)", async () => {
		const verifier = new JwtVerifier(config({ jwksUrl: url }));
		await verifier.verify(sign(first.privateKey, { keyid: "k1" }));
		const before = fetches;
		published = [...published, { kid: "k2", key: second.publicKey }];
		await expect(
			verifier.verify(sign(second.privateKey, { keyid: "k2" })),
		).resolves.toBeTruthy();
		expect(fetches).toBe(before + 1);

		// Another unknown kid within the minute is refused without asking the provider again.
		const third = keyPair();
		published = [...published, { kid: "k3", key: third.publicKey }];
		const refused = await codeOf(verifier.verify(sign(third.privateKey, { keyid: "k3" })));
		expect(refused).toBe("INVALID_TOKEN");
		expect(fetches).toBe(before + 1);
	});

	it("refuses a kid that is not published and an HS256 token", async () => {
		const verifier = new JwtVerifier(config({ jwksUrl: url }));
		const stranger = keyPair();
		expect(await codeOf(verifier.verify(sign(stranger.privateKey, { keyid: "k9" })))).toBe(
			"INVALID_TOKEN",
		);
		const hs = jwt.sign({}, "guess", {
			algorithm: "HS256",
			subject: "x",
			issuer,
			audience,
			expiresIn: "5m",
		});
		expect(await codeOf(verifier.verify(hs))).toBe("INVALID_TOKEN");
	});
});

describe("with a PEM public key", () => {
	const pair = keyPair();
	const pem = pair.publicKey.export({ format: "pem", type: "spki" }).toString();
	const verifier = new JwtVerifier(config({ publicKey: pem }));

	it("accepts RS256 tokens from the matching private key", async () => {
		expect(await codeOf(verifier.verify(sign(pair.privateKey)))).toBe("ok");
	});

	it("refuses an HS256 token signed with the public key (algorithm confusion)", async () => {
		const forged = jwt.sign({}, pem, {
			algorithm: "HS256",
			subject: "x",
			issuer,
			audience,
			expiresIn: "5m",
		});
		expect(await codeOf(verifier.verify(forged))).toBe("INVALID_TOKEN");
	});

	it("distinguishes expired tokens, and honours nbf", async () => {
		expect(await codeOf(verifier.verify(sign(pair.privateKey, { expiresIn: -300 })))).toBe(
			"TOKEN_EXPIRED",
		);
		expect(await codeOf(verifier.verify(sign(pair.privateKey, { notBefore: 600 })))).toBe(
			"INVALID_TOKEN",
		);
	});
});
