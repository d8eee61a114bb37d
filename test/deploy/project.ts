/**
 * What the code and the deployment files say, read the same way by every deployment test: the
 * services, the environment variables the code reads, the Kubernetes manifests and the
 * Compose file.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import YAML from "yaml";

export const ROOT = path.resolve(__dirname, "../..");
/** The image every Kasify container runs, without its tag. */
export const IMAGE = "ghcr.io/kasify/kasify";
/** The HTTP gateway: it serves its probes on PORT; every other service on HEALTH_PORT. */
export const GATEWAY = "api";

/** Variables whose values are secrets: they belong in the Secret, never in the ConfigMap. */
export const SECRET_VARIABLES = [
	"AUTH_JWT_SECRET",
	"AUTH_JWT_PUBLIC_KEY",
	"SECRETS_KEY",
	"METRICS_TOKEN",
	"MONGO_URL",
	"REDIS_URL",
	"NATS_URL",
	"SMTP_URL",
];
/** Names that look like secrets, so that a new one is not put in the ConfigMap unnoticed. */
export const SECRET_LOOKING = /SECRET|PASSWORD|TOKEN|PRIVATE_KEY|_KEY$/;

export type Doc = Record<string, any>;

export const rootPath = (...parts: string[]) => path.join(ROOT, ...parts);

function walk(dir: string, accept: (file: string) => boolean): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir, { withFileTypes: true })
		.flatMap((entry) => {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) return walk(full, accept);
			return accept(full) ? [full] : [];
		})
		.sort();
}

/** Service names from the `*.service.ts` files under services/, as moleculer-runner finds them. */
export function serviceNames(): string[] {
	return walk(rootPath("services"), (file) => file.endsWith(".service.ts"))
		.map((file) => path.basename(file, ".service.ts"))
		.sort();
}

// --- Environment variables read by the code --------------------------------------------------

/** `process.env.NAME` or `process.env["NAME"]`; `process.env[param]` gives the parameter. */
function envAccess(node: ts.Node): { name?: string; param?: string } | null {
	const isProcessEnv = (expr: ts.Expression) =>
		ts.isPropertyAccessExpression(expr) &&
		expr.name.text === "env" &&
		ts.isIdentifier(expr.expression) &&
		expr.expression.text === "process";
	if (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) {
		return { name: node.name.text };
	}
	if (ts.isElementAccessExpression(node) && isProcessEnv(node.expression)) {
		const arg = node.argumentExpression;
		if (ts.isStringLiteral(arg)) return { name: arg.text };
		if (ts.isIdentifier(arg)) return { param: arg.text };
	}
	return null;
}

/**
 * The variables one source file reads: direct `process.env` accesses, and string literals
 * passed to the file's own helpers that read `process.env[name]` (such as `text("PORT")`).
 */
export function variablesReadBy(file: string): string[] {
	const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
	const names = new Set<string>();
	const readers = new Map<string, number>();

	const findReaders = (node: ts.Node, fn?: ts.FunctionDeclaration) => {
		if (ts.isFunctionDeclaration(node) && node.name) fn = node;
		const access = envAccess(node);
		if (access?.name) names.add(access.name);
		if (access?.param && fn?.name) {
			const index = fn.parameters.findIndex(
				(p) => ts.isIdentifier(p.name) && p.name.text === access.param,
			);
			if (index >= 0) readers.set(fn.name.text, index);
		}
		ts.forEachChild(node, (child) => findReaders(child, fn));
	};
	findReaders(source);

	const findCalls = (node: ts.Node) => {
		if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
			const index = readers.get(node.expression.text);
			const arg = index === undefined ? undefined : node.arguments[index];
			if (arg && ts.isStringLiteral(arg)) names.add(arg.text);
		}
		ts.forEachChild(node, findCalls);
	};
	findCalls(source);
	return [...names].sort();
}

/** Every variable read by shared/config.ts and by any other module of services/ or shared/. */
export function variablesReadByCode(): { config: string[]; all: string[] } {
	const files = [
		...walk(rootPath("services"), (f) => f.endsWith(".ts")),
		...walk(rootPath("shared"), (f) => f.endsWith(".ts")),
	];
	const all = new Set(files.flatMap((file) => variablesReadBy(file)));
	return { config: variablesReadBy(rootPath("shared/config.ts")), all: [...all].sort() };
}

// --- YAML ------------------------------------------------------------------------------------

/** Every document of a YAML file (merge keys resolved); a syntax error fails loudly. */
export function readYaml(file: string): Doc[] {
	const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { merge: true });
	return docs.map((doc) => {
		if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
		return doc.toJS({ maxAliasCount: 100 }) as Doc;
	});
}

export const kustomizationFiles = () =>
	walk(rootPath("k8s"), (f) => path.basename(f) === "kustomization.yaml");

/** Every manifest under k8s/ (the kustomization files aside), with its source file. */
export function kubernetesDocuments(): { file: string; doc: Doc }[] {
	return walk(rootPath("k8s"), (f) => /\.ya?ml$/.test(f) && !f.endsWith("kustomization.yaml"))
		.flatMap((file) => readYaml(file).map((doc) => ({ file, doc })))
		.filter(({ doc }) => doc !== null);
}

/** The documents a kustomization lists under `resources` (files and folders, recursively). */
export function kustomizationResources(dir: string): Doc[] {
	const [kustomization] = readYaml(path.join(dir, "kustomization.yaml"));
	return (kustomization.resources as string[]).flatMap((entry) => {
		const target = path.resolve(dir, entry);
		return fs.statSync(target).isDirectory()
			? kustomizationResources(target)
			: readYaml(target);
	});
}

/** The application's manifests: k8s/base as listed by its kustomization. */
export const baseDocuments = () => kustomizationResources(rootPath("k8s/base"));

export const ofKind = (docs: Doc[], kind: string) => docs.filter((doc) => doc.kind === kind);

export function named(docs: Doc[], kind: string, name: string): Doc | undefined {
	return docs.find((doc) => doc.kind === kind && doc.metadata?.name === name);
}

export const composeFile = () => readYaml(rootPath("docker-compose.yml"))[0];

/** The Secret template, which no kustomization lists (see the file's header). */
export const secretTemplate = () => readYaml(rootPath("k8s/secret.template.yaml"))[0];

// --- Dockerfile ------------------------------------------------------------------------------

export interface Instruction {
	/** Upper-case keyword: FROM, RUN, COPY... */
	keyword: string;
	/** The rest of the instruction, continuation lines joined. */
	args: string;
	/** Index of the build stage (one per FROM). */
	stage: number;
	/** Body of a here-document (`COPY <<'EOF' path`), if any. */
	heredoc?: string;
}

/** The Dockerfile's instructions, with line continuations and here-documents resolved. */
export function dockerfile(): Instruction[] {
	const lines = fs.readFileSync(rootPath("Dockerfile"), "utf8").split("\n");
	const instructions: Instruction[] = [];
	let stage = -1;
	for (let i = 0; i < lines.length; i++) {
		if (/^\s*(#|$)/.test(lines[i])) continue;
		let text = lines[i];
		while (text.endsWith("\\")) text = `${text.slice(0, -1)} ${lines[++i].trim()}`;
		const [, keyword, args] = /^\s*(\w+)\s+(.*)$/.exec(text) ?? [];
		const instruction: Instruction = { keyword: keyword.toUpperCase(), args, stage };
		const marker = /<<-?'?(\w+)'?/.exec(args);
		if (marker) {
			const body: string[] = [];
			while (lines[++i] !== marker[1]) body.push(lines[i]);
			instruction.heredoc = body.join("\n");
		}
		if (instruction.keyword === "FROM") instruction.stage = ++stage;
		instructions.push(instruction);
	}
	return instructions;
}

/** A .dockerignore pattern as a regular expression (`*` within a segment, `**` across). */
export function dockerignorePattern(pattern: string): RegExp {
	const source = pattern
		.replace(/^\/+|\/+$/g, "")
		.split(/(\*\*|\*|\?)/)
		.map((part) => {
			if (part === "**") return ".*";
			if (part === "*") return "[^/]*";
			if (part === "?") return "[^/]";
			return part.replace(/[.+^${}()|[\]\\]/g, "\\$&");
		})
		.join("");
	return new RegExp(`^${source}$`);
}
