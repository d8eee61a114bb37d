/**
 * The one place where configuration is read from the environment.
 *
 * Every variable is listed, with its meaning, in `.env.example`. Values are read when
 * `loadConfig()` is called (not at import time) so that tests can set the environment first.
 */

export interface JwtConfig {
	/** HS256 shared secret. */
	secret: string | null;
	/** PEM public key for RS256/ES256 tokens. */
	publicKey: string | null;
	/** JWKS endpoint of the identity provider. */
	jwksUrl: string | null;
	issuer: string | null;
	audience: string | null;
	/** Algorithms accepted; derived from the key kind unless given explicitly. */
	algorithms: string[];
}

export interface Config {
	env: "production" | "development" | "test";
	namespace: string;
	nodeId: string | null;
	natsUrl: string;
	mongoUrl: string;
	redisUrl: string;
	logLevel: string;
	logFormat: "text" | "json";
	port: number;
	/** Port of the probe listener of non-gateway processes; null turns it off. */
	healthPort: number | null;
	requestTimeoutMs: number;
	/** How long shutdown waits for in-flight requests and messages. */
	shutdownTimeoutMs: number;
	jwt: JwtConfig;
	adminSubjects: string[];
	corsOrigins: string[];
	trustedProxies: string[];
	metricsToken: string | null;
	userRateLimitPerMinute: number;
	eventMaxAttempts: number;
	eventRetentionDays: number;
	/** Copies of each event stream in a NATS cluster (1 on a single server; 3 survive a loss). */
	eventStreamReplicas: number;
	tracingExporter: string | null;
	defaultTimezone: string;
	/** Key material for secrets encrypted at rest. */
	secretsKey: string;
	/** Public origin of the API, for URLs handed out (cover files, invitation links). */
	publicBaseUrl: string;
	/** Lifts the https and private-host rules on outbound URLs (tests, LAN set-ups; §1.10a). */
	allowPrivateOutbound: boolean;
	/** smtp:// or smtps:// URL of the mail relay, credentials included; null turns mail off. */
	smtpUrl: string | null;
	/** The From header of every message. */
	mailFrom: string;
	/** Minutes between two fetches of a channel's iCal feed (§11.11: 15 to 360). */
	icalSyncIntervalMinutes: number;
	/** How long one fetch of an iCal feed may take, redirects included (§11.11: 15 s). */
	icalFetchTimeoutMs: number;
	/** Floor on the answer time of public task-link look-ups, so a wrong token looks right. */
	publicLinkMinResponseMs: number;
	/** Accounts whose public task links only show the task: no start or complete (§14.10). */
	publicTaskActionsDisabledAccounts: string[];
}

const DEV_JWT_SECRET = "kasify-local-development-secret-change-me";
const DEV_SECRETS_KEY = "kasify-local-development-secrets-key-change-me";

function list(value: string | undefined): string[] {
	return (value ?? "")
		.split(",")
		.map((item) => item.trim())
		.filter((item) => item.length > 0);
}

function integer(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0) {
		throw new Error(`Configuration: ${name} must be a non-negative integer, got "${raw}"`);
	}
	return value;
}

function text(name: string): string | null {
	const value = process.env[name]?.trim();
	return value ? value : null;
}

function readEnvironment(): Config["env"] {
	const value = process.env.NODE_ENV;
	if (value === "production" || value === "test") return value;
	return "development";
}

function readJwt(env: Config["env"]): JwtConfig {
	const publicKey = text("AUTH_JWT_PUBLIC_KEY")?.replace(/\\n/g, "\n") ?? null;
	const jwksUrl = text("AUTH_JWKS_URL");
	let secret = text("AUTH_JWT_SECRET");
	if (!secret && !publicKey && !jwksUrl) {
		// A production deployment must name its identity provider; anywhere else a fixed dev
		// secret lets `npm run token` mint tokens without any set-up.
		if (env === "production") {
			throw new Error(
				"Configuration: set AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET " +
					"in production",
			);
		}
		secret = DEV_JWT_SECRET;
	}
	if (env === "production" && secret && !publicKey && !jwksUrl && secret.length < 32) {
		throw new Error("Configuration: AUTH_JWT_SECRET must have at least 32 characters");
	}
	const explicit = list(process.env.AUTH_JWT_ALGORITHMS);
	const algorithms = explicit.length > 0 ? explicit : secret ? ["HS256"] : ["RS256", "ES256"];
	if (algorithms.some((alg) => alg.toLowerCase() === "none")) {
		throw new Error("Configuration: AUTH_JWT_ALGORITHMS may not contain 'none'");
	}
	return {
		secret: publicKey || jwksUrl ? null : secret,
		publicKey,
		jwksUrl,
		issuer:
			text("AUTH_JWT_ISSUER") ?? (env === "production" ? null : "https://auth.kasify.local"),
		audience: text("AUTH_JWT_AUDIENCE") ?? (env === "production" ? null : "kasify-api"),
		algorithms,
	};
}

export function loadConfig(): Config {
	const env = readEnvironment();
	const jwt = readJwt(env);
	if (env === "production" && (!jwt.issuer || !jwt.audience)) {
		throw new Error("Configuration: AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE are required");
	}
	const secretsKey = text("SECRETS_KEY");
	if (env === "production" && (!secretsKey || secretsKey.length < 32)) {
		throw new Error("Configuration: SECRETS_KEY (at least 32 characters) is required");
	}
	return {
		env,
		namespace: text("NAMESPACE") ?? "kasify",
		nodeId: text("NODE_ID"),
		natsUrl: text("NATS_URL") ?? "nats://127.0.0.1:4222",
		mongoUrl: text("MONGO_URL") ?? "mongodb://127.0.0.1:27017/?directConnection=true",
		redisUrl: text("REDIS_URL") ?? "redis://127.0.0.1:6379",
		logLevel: text("LOG_LEVEL") ?? "info",
		logFormat: process.env.LOG_FORMAT === "json" ? "json" : "text",
		port: integer("PORT", 8080),
		healthPort: text("HEALTH_PORT") ? integer("HEALTH_PORT", 0) : null,
		requestTimeoutMs: integer("REQUEST_TIMEOUT_MS", 30_000),
		shutdownTimeoutMs: integer("SHUTDOWN_TIMEOUT_MS", 20_000),
		jwt,
		adminSubjects: list(process.env.ADMIN_SUBJECTS),
		corsOrigins: list(process.env.CORS_ORIGINS),
		trustedProxies: list(process.env.TRUSTED_PROXIES),
		metricsToken: text("METRICS_TOKEN"),
		userRateLimitPerMinute: integer("USER_RATE_LIMIT_PER_MINUTE", 0),
		eventMaxAttempts: Math.max(1, integer("EVENT_MAX_ATTEMPTS", 5)),
		eventRetentionDays: Math.max(1, integer("EVENT_RETENTION_DAYS", 7)),
		eventStreamReplicas: Math.min(5, Math.max(1, integer("EVENT_STREAM_REPLICAS", 1))),
		tracingExporter: text("TRACING_EXPORTER"),
		defaultTimezone: text("DEFAULT_TIMEZONE") ?? "Europe/Madrid",
		secretsKey: secretsKey ?? DEV_SECRETS_KEY,
		publicBaseUrl: (text("PUBLIC_BASE_URL") ?? "http://localhost:8080").replace(/\/+$/, ""),
		allowPrivateOutbound: process.env.ALLOW_PRIVATE_OUTBOUND === "true",
		smtpUrl: text("SMTP_URL"),
		mailFrom: text("MAIL_FROM") ?? "Kasify <no-reply@kasify.local>",
		icalSyncIntervalMinutes: Math.min(
			360,
			Math.max(15, integer("ICAL_SYNC_INTERVAL_MINUTES", 30)),
		),
		icalFetchTimeoutMs: Math.max(1, integer("ICAL_FETCH_TIMEOUT_MS", 15_000)),
		publicLinkMinResponseMs: integer("PUBLIC_LINK_MIN_RESPONSE_MS", 200),
		publicTaskActionsDisabledAccounts: list(
			process.env.PUBLIC_TASK_ACTIONS_DISABLED_ACCOUNTS,
		).map((id) => id.toLowerCase()),
	};
}

let cached: Config | null = null;

/** The configuration of this process, read once. */
export function config(): Config {
	cached ??= loadConfig();
	return cached;
}

/** Forget the cached configuration (tests change the environment between suites). */
export function resetConfig(): void {
	cached = null;
}
