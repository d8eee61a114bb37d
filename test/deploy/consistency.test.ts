/**
 * The deployment files agree with the code: every service has a Deployment and a Compose
 * service, every environment variable the code reads is provided, probes ask the paths and
 * ports the processes serve, and the image, ports and names match everywhere.
 */
import fs from "node:fs";
import YAML from "yaml";
import { loadConfig } from "../../shared/config";
import { DOMAIN_SERVICES } from "../../shared/system";
import { infraAliases } from "../../services/api/infra-routes";
import {
	GATEWAY,
	IMAGE,
	SECRET_LOOKING,
	SECRET_VARIABLES,
	baseDocuments,
	composeFile,
	dockerfile,
	dockerignorePattern,
	named,
	ofKind,
	readYaml,
	rootPath,
	secretTemplate,
	serviceNames,
	variablesReadByCode,
	type Doc,
} from "./project";

const services = serviceNames();
const base = baseDocuments();
const compose = composeFile();
const secret = secretTemplate();
const configMap = ofKind(base, "ConfigMap").find((doc) => doc.metadata.name === "kasify-config")!;
const variables = variablesReadByCode();
const shutdownSeconds = Number(configMap.data.SHUTDOWN_TIMEOUT_MS) / 1000;

const kasifyDeployments = ofKind(base, "Deployment").filter((doc) =>
	podSpec(doc).containers.some((c: Doc) => imageName(c.image) === IMAGE),
);
const nonGateway = services.filter((name) => name !== GATEWAY);

function podSpec(deployment: Doc): Doc {
	return deployment.spec.template.spec;
}
function container(name: string): Doc {
	const deployment = named(base, "Deployment", name);
	if (!deployment) throw new Error(`No Deployment named ${name}`);
	return podSpec(deployment).containers[0];
}
function imageName(image: string): string {
	return image.replace(/[:@][^/]*$/, "");
}
function env(c: Doc): Record<string, string> {
	return Object.fromEntries(
		(c.env ?? []).map((e: Doc) => [e.name, e.value ?? `<from ${Object.keys(e.valueFrom)}>`]),
	);
}
/** A probe's port, named or numbered, as a container port number. */
function portNumber(c: Doc, port: string | number): number {
	if (typeof port === "number") return port;
	const found = c.ports.find((p: Doc) => p.name === port);
	if (!found) throw new Error(`Container ${c.name} has no port named ${port}`);
	return found.containerPort;
}
/** The ConfigMap data as an overlay leaves it (the overlay's inline ConfigMap patches). */
function overlayConfig(overlay: string): Record<string, string> {
	const [kustomization] = readYaml(rootPath("k8s/overlays", overlay, "kustomization.yaml"));
	const patches = (kustomization.patches ?? [])
		.filter((p: Doc) => typeof p.patch === "string" && !p.target)
		.map((p: Doc) => YAML.parse(p.patch))
		.filter((p: Doc) => p.kind === "ConfigMap" && p.metadata.name === configMap.metadata.name);
	return Object.assign({}, configMap.data, ...patches.map((p: Doc) => p.data));
}
/** Runs loadConfig() with exactly these variables in the environment. */
function loadConfigWith(vars: Record<string, string>) {
	const saved = process.env;
	process.env = { ...vars };
	try {
		return loadConfig();
	} finally {
		process.env = saved;
	}
}

describe("services", () => {
	it("are found in the code, the gateway and every domain service among them", () => {
		expect(services).toEqual(expect.arrayContaining([GATEWAY, ...DOMAIN_SERVICES]));
	});

	it.each(services)("%s has a Deployment that runs it, and only it, from the image", (name) => {
		const c = container(name);
		expect(imageName(c.image)).toBe(IMAGE);
		expect(env(c).SERVICES).toBe(name);
	});

	it("every Deployment of the image runs a service that exists", () => {
		const running = kasifyDeployments.map((d) => env(podSpec(d).containers[0]).SERVICES);
		expect(running.sort()).toEqual(services);
	});

	it.each(services)("%s has an autoscaler and a disruption budget", (name) => {
		const hpa = ofKind(base, "HorizontalPodAutoscaler").find(
			(doc) => doc.spec.scaleTargetRef.name === name,
		);
		expect(hpa?.apiVersion).toBe("autoscaling/v2");
		expect(hpa?.spec.scaleTargetRef.kind).toBe("Deployment");
		expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(1);
		expect(hpa?.spec.maxReplicas).toBeGreaterThan(hpa?.spec.minReplicas);

		const labels = named(base, "Deployment", name)!.spec.template.metadata.labels;
		const pdbs = ofKind(base, "PodDisruptionBudget").filter((doc) =>
			Object.entries(doc.spec.selector.matchLabels).every(([k, v]) => labels[k] === v),
		);
		expect(pdbs.map((pdb) => pdb.apiVersion)).toEqual(["policy/v1"]);
	});

	it.each(services)("%s has a Compose service that runs it from the image", (name) => {
		const svc = compose.services[name];
		expect(svc).toBeDefined();
		expect(svc.environment.SERVICES).toBe(name);
		expect(imageName(svc.image)).toBe(IMAGE);
		expect(svc.build).toBe(".");
		expect(svc.restart).toBe("unless-stopped");
		for (const infra of ["mongo", "nats", "redis"]) {
			expect(svc.depends_on[infra]).toEqual({ condition: "service_healthy" });
		}
	});

	it("Compose starts the gateway after every domain service is healthy", () => {
		for (const name of DOMAIN_SERVICES) {
			expect(compose.services[GATEWAY].depends_on[name]).toEqual({
				condition: "service_healthy",
			});
		}
	});
});

describe("environment", () => {
	const required = (name: string) =>
		variables.all.filter((v) => !(name === GATEWAY && v === "HEALTH_PORT"));

	it("the variables the code reads are found (shared/config.ts and any other module)", () => {
		expect(variables.config).toEqual(
			expect.arrayContaining(["NODE_ENV", "PORT", "HEALTH_PORT", "MONGO_URL", "SECRETS_KEY"]),
		);
		expect(variables.all).toEqual(expect.arrayContaining(variables.config));
	});

	it.each(services)("%s gets every variable from ConfigMap, Secret or its own env", (name) => {
		const c = container(name);
		expect(c.envFrom).toEqual([
			{ configMapRef: { name: configMap.metadata.name } },
			{ secretRef: { name: secret.metadata.name } },
		]);
		const provided = new Set([
			...Object.keys(configMap.data),
			...Object.keys(secret.stringData),
			...Object.keys(env(c)),
		]);
		expect(required(name).filter((v) => !provided.has(v))).toEqual([]);
	});

	it("secrets are in the Secret and nowhere in the ConfigMap", () => {
		const secrets = variables.all.filter(
			(v) => SECRET_VARIABLES.includes(v) || SECRET_LOOKING.test(v),
		);
		expect(Object.keys(secret.stringData).sort()).toEqual(secrets.sort());
		expect(Object.keys(configMap.data).filter((k) => secrets.includes(k))).toEqual([]);
	});

	it("the ConfigMap holds every other variable, and nothing the code does not read", () => {
		const perProcess = ["HEALTH_PORT", "NODE_ID"];
		const expected = variables.all.filter(
			(v) => !(v in secret.stringData) && !perProcess.includes(v),
		);
		expect(Object.keys(configMap.data).sort()).toEqual(expected.sort());
	});

	it("the Secret template has placeholders only, which production refuses", () => {
		for (const value of Object.values<string>(secret.stringData)) {
			expect(value === "" || value.includes("CHANGE_ME")).toBe(true);
		}
		const vars = { ...overlayConfig("prod"), ...secret.stringData };
		expect(() => loadConfigWith(vars)).toThrow(/SECRETS_KEY/);
	});

	it("the dev overlay generates every Secret key, with values production accepts", () => {
		const [kustomization] = readYaml(rootPath("k8s/overlays/dev/kustomization.yaml"));
		const generator = kustomization.secretGenerator.find(
			(g: Doc) => g.name === secret.metadata.name,
		);
		const literals = Object.fromEntries(
			generator.literals.map((l: string) => [
				l.slice(0, l.indexOf("=")),
				l.split(/=(.*)/s)[1],
			]),
		);
		expect(Object.keys(literals).sort()).toEqual(Object.keys(secret.stringData).sort());
		const cfg = loadConfigWith({ ...overlayConfig("dev"), ...literals });
		expect(cfg.env).toBe("production");
	});

	it.each(services)("Compose gives %s every variable, with values production accepts", (name) => {
		const environment = compose.services[name].environment;
		// NODE_ID stays unset: replicas made with --scale share one environment, and the
		// default (hostname-pid) is unique per container.
		const missing = required(name).filter((v) => v !== "NODE_ID" && !(v in environment));
		expect(missing).toEqual([]);
		const known = new Set([...variables.all, "SERVICES"]);
		expect(Object.keys(environment).filter((v) => !known.has(v))).toEqual([]);
		const cfg = loadConfigWith(environment);
		expect(cfg).toMatchObject({ env: "production", port: 8080 });
	});
});

describe("probes and ports", () => {
	const port = Number(configMap.data.PORT);

	it("the gateway serves /health and /ready", () => {
		expect(Object.keys(infraAliases)).toEqual(
			expect.arrayContaining(["GET /health", "GET /ready"]),
		);
	});

	it.each(services)(
		"%s is probed on its listener: /health for life, /ready for ready",
		(name) => {
			const c = container(name);
			const listener = name === GATEWAY ? port : Number(env(c).HEALTH_PORT);
			expect(listener).toBeGreaterThan(0);
			for (const [probe, path] of [
				["startupProbe", "/health"],
				["livenessProbe", "/health"],
				["readinessProbe", "/ready"],
			]) {
				expect([probe, c[probe]?.httpGet?.path]).toEqual([probe, path]);
				expect([probe, portNumber(c, c[probe].httpGet.port)]).toEqual([probe, listener]);
			}
		},
	);

	it.each(services)("%s has time to finish its work after SIGTERM", (name) => {
		const spec = podSpec(named(base, "Deployment", name)!);
		const command = container(name).lifecycle.preStop.exec.command;
		expect(command[0]).toBe("sleep");
		const pause = Number(command[1]);
		expect(pause).toBeGreaterThanOrEqual(3);
		expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(shutdownSeconds + pause);
	});

	it("the Service and the Ingress send traffic to the gateway's port", () => {
		const service = named(base, "Service", GATEWAY)!;
		const labels = named(base, "Deployment", GATEWAY)!.spec.template.metadata.labels;
		expect(labels).toMatchObject(service.spec.selector);
		const c = container(GATEWAY);
		for (const p of service.spec.ports) expect(portNumber(c, p.targetPort)).toBe(port);

		const backends = ofKind(base, "Ingress").flatMap((ingress) =>
			ingress.spec.rules.flatMap((rule: Doc) => rule.http.paths.map((p: Doc) => p.backend)),
		);
		expect(backends.length).toBeGreaterThan(0);
		for (const { service: target } of backends) {
			expect(target.name).toBe(service.metadata.name);
			const servicePort = service.spec.ports.find(
				(p: Doc) => p.name === target.port.name || p.port === target.port.number,
			);
			expect(servicePort).toBeDefined();
		}
	});

	it("Compose probes /ready on each listener and publishes only the gateway", () => {
		for (const name of services) {
			const svc = compose.services[name];
			expect(svc.healthcheck.test).toEqual(["CMD", "node", "/app/healthcheck.js", "/ready"]);
			if (name === GATEWAY) expect(svc.ports).toEqual([`${port}:${port}`]);
			else
				expect([name, svc.ports, Number(svc.environment.HEALTH_PORT)]).toEqual([
					name,
					undefined,
					Number(env(container(name)).HEALTH_PORT),
				]);
			expect(Number.parseInt(svc.stop_grace_period, 10)).toBeGreaterThan(shutdownSeconds);
		}
	});
});

describe("pods", () => {
	it.each(services)("%s runs as non-root on a read-only root filesystem", (name) => {
		const spec = podSpec(named(base, "Deployment", name)!);
		const c = container(name);
		expect(spec.securityContext.runAsNonRoot).toBe(true);
		expect(spec.automountServiceAccountToken).toBe(false);
		expect(c.securityContext).toMatchObject({
			readOnlyRootFilesystem: true,
			allowPrivilegeEscalation: false,
			capabilities: { drop: ["ALL"] },
		});
		const tmp = c.volumeMounts.find((m: Doc) => m.mountPath === "/tmp");
		const volume = spec.volumes.find((v: Doc) => v.name === tmp?.name);
		expect(volume?.emptyDir).toBeDefined();
	});

	it.each(services)("%s has CPU and memory requests and limits", (name) => {
		const { requests, limits } = container(name).resources;
		expect(Object.keys(requests).sort()).toEqual(["cpu", "memory"]);
		expect(Object.keys(limits).sort()).toEqual(["cpu", "memory"]);
	});
});

describe("image", () => {
	const instructions = dockerfile();
	const last = Math.max(...instructions.map((i) => i.stage));
	const runtime = instructions.filter((i) => i.stage === last);
	const args = (keyword: string) =>
		runtime.filter((i) => i.keyword === keyword).map((i) => i.args);

	it("builds in stages on Node 22 (Debian, glibc) and installs production packages last", () => {
		expect(instructions.filter((i) => i.keyword === "FROM").length).toBeGreaterThanOrEqual(3);
		expect(instructions.find((i) => i.keyword === "ARG")?.args).toBe(
			"NODE_IMAGE=node:22-bookworm-slim",
		);
		expect(args("RUN").some((run) => /npm ci --omit=dev\b/.test(run))).toBe(true);
		// sharp's native binaries are optional dependencies: they must be installed.
		expect(instructions.filter((i) => /--omit[= ]optional/.test(i.args))).toEqual([]);
	});

	it("runs one service chosen by SERVICES, as non-root, the way npm start does", () => {
		const envs = args("ENV").join(" ");
		expect(envs).toMatch(/\bNODE_ENV=production\b/);
		expect(envs).toMatch(/\bSERVICES=api\b/);
		expect(envs).toMatch(/\bSERVICEDIR=dist\/services\b/);
		expect(args("USER")).toEqual(["1000:1000"]);
		expect(args("STOPSIGNAL")).toEqual(["SIGTERM"]);
		expect(JSON.parse(args("ENTRYPOINT")[0])).toEqual(["/usr/bin/tini", "--"]);
		const [node, runner, flag, configFile] = JSON.parse(args("CMD")[0]);
		expect([node, flag]).toEqual(["node", "--config"]);
		expect(fs.existsSync(rootPath(runner))).toBe(true);
		expect(configFile).toBe("dist/moleculer.config.js");
	});

	it("exposes the gateway's port and the probe port the manifests use", () => {
		const exposed = args("EXPOSE").join(" ").split(/\s+/).map(Number);
		const probePorts = nonGateway.map((name) => Number(env(container(name)).HEALTH_PORT));
		expect(exposed).toEqual(
			expect.arrayContaining([Number(configMap.data.PORT), ...probePorts]),
		);
		expect(args("HEALTHCHECK")[0]).toMatch(
			/CMD \["node", "\/app\/healthcheck.js", "\/health"]/,
		);
	});

	it("gets every file its COPY instructions need past .dockerignore", () => {
		const ignored = fs
			.readFileSync(rootPath(".dockerignore"), "utf8")
			.split("\n")
			.filter((line) => line.trim() && !line.startsWith("#"));
		const sources = instructions
			.filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from") && !i.heredoc)
			.flatMap((i) => i.args.split(/\s+/).slice(0, -1));
		expect(sources).toEqual(expect.arrayContaining(["package-lock.json", "services"]));
		for (const source of sources) {
			expect(fs.existsSync(rootPath(source))).toBe(true);
			// Excluded: the source itself, or anything inside it.
			const excluded = ignored.filter(
				(pattern) =>
					!pattern.startsWith("!") &&
					(dockerignorePattern(pattern).test(source) || pattern.startsWith(`${source}/`)),
			);
			expect([source, excluded]).toEqual([source, []]);
		}
	});

	it("is the one image of the manifests, the overlays and Compose", () => {
		for (const dir of ["base", "overlays/dev", "overlays/prod"]) {
			const [kustomization] = readYaml(rootPath("k8s", dir, "kustomization.yaml"));
			expect(kustomization.images.map((i: Doc) => i.name)).toEqual([IMAGE]);
		}
		const composeImages = services.map((name) => imageName(compose.services[name].image));
		expect(new Set(composeImages)).toEqual(new Set([IMAGE]));
	});
});
