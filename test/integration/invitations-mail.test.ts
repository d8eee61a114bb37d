/**
 * The invitation email (§12.2) through a local SMTP server: sent after the response, in the
 * invitation's locale, to the bound address, with the code and the accept link. Without a
 * relay, or with a failing one, the invitation is still created and an operator warning is
 * logged that names neither the address nor the token.
 */
import { createMailer } from "../../shared/mailer";
import { resetConfig } from "../../shared/config";
import { eventually, type Stack } from "../helpers/stack";
import { startSmtp, type SmtpCapture } from "../helpers/smtp";
import {
	createProperty,
	invite,
	propertiesService,
	registerUser,
	startPropertiesStack,
	type Http,
	type TestUser,
} from "./properties-fixtures";

const BASE_URL = "https://app.kasify.test";

describe("with an SMTP relay", () => {
	let smtp: SmtpCapture;
	let stack: Stack;
	let http: Http;
	let owner: TestUser;
	let property: any;

	beforeAll(async () => {
		smtp = await startSmtp();
		process.env.SMTP_URL = smtp.url;
		process.env.PUBLIC_BASE_URL = `${BASE_URL}/`;
		resetConfig();
		({ stack, http } = await startPropertiesStack("invmail"));
		owner = await registerUser(http, "mail-owner");
		property = await createProperty(http, owner, { name: "Casa Azul" });
	});
	afterAll(async () => {
		await stack?.stop();
		await smtp?.stop();
		delete process.env.SMTP_URL;
		delete process.env.PUBLIC_BASE_URL;
		resetConfig();
	});

	it("sends a Spanish invitation by default, with the code and the accept link", async () => {
		const invitation = await invite(http, owner, property.id, {
			accessLevel: "staff",
			email: "Marta@Example.es",
		});
		const mail = await smtp.waitFor("marta@example.es");
		expect(mail.to).toEqual(["marta@example.es"]);
		expect(mail.subject).toBe("Invitación para unirte a Casa Azul en Kasify");
		expect(mail.text).toContain("Te han invitado a unirte al equipo de Casa Azul");
		expect(mail.text).toContain("como personal.");
		expect(mail.text).toContain(`código en la aplicación: ${invitation.token}`);
		expect(mail.text).toContain(`${BASE_URL}/invitations/${invitation.token}`);
		expect(mail.text).toMatch(/caduca el \d+ de \w+ de \d{4}/);
	});

	it("writes in English when the invitation's locale is en", async () => {
		const invitation = await invite(http, owner, property.id, {
			accessLevel: "manager",
			email: "john@example.com",
			locale: "en",
		});
		const mail = await smtp.waitFor("john@example.com");
		expect(mail.subject).toBe("You are invited to join Casa Azul on Kasify");
		expect(mail.text).toContain("join the crew of Casa Azul on Kasify as manager.");
		expect(mail.text).toContain(`Or enter this code in the app: ${invitation.token}`);
		expect(mail.text).toContain(`Accept the invitation here: ${BASE_URL}/invitations/`);
	});

	it("sends nothing for an invitation without an email", async () => {
		const before = smtp.messages.length;
		await invite(http, owner, property.id, { accessLevel: "contractor" });
		// A later bound invitation's mail arrives; the unbound one sent nothing in between.
		await invite(http, owner, property.id, { accessLevel: "staff", email: "m@x.es" });
		await smtp.waitFor("m@x.es");
		expect(smtp.messages.length).toBe(before + 1);
	});
});

describe("without a working relay", () => {
	let stack: Stack;
	let http: Http;
	const lines: string[] = [];
	/** What the properties service logged (the gateway's debug request log is not ours). */
	const serviceLines = () => lines.filter((line) => / properties-\w+\//.test(line));

	beforeAll(async () => {
		for (const method of ["log", "warn", "error", "info"] as const) {
			jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
				lines.push(args.map(String).join(" "));
			});
		}
		delete process.env.SMTP_URL;
		resetConfig();
		({ stack, http } = await startPropertiesStack("nomail", [], { logs: true }));
	});
	afterAll(async () => {
		await stack?.stop();
		jest.restoreAllMocks();
	});

	it("creates the invitation and warns that no email left", async () => {
		const owner = await registerUser(http, "nomail-owner");
		const property = await createProperty(http, owner);
		const invitation = await invite(http, owner, property.id, {
			accessLevel: "staff",
			email: "secret.person@example.es",
		});
		expect(invitation.status).toBe("active");
		const warning = `Invitation ${invitation.id}: no mail relay configured (SMTP_URL)`;
		await eventually(async () => lines.find((line) => line.includes(warning)));
		expect(lines.find((line) => line.includes(warning))).toContain("WARN");
		const own = serviceLines().join("\n");
		expect(own).toContain(warning);
		expect(own).not.toContain("secret.person");
		expect(own).not.toContain(invitation.token);
	});

	it("creates the invitation when the relay fails, and warns without personal data", async () => {
		// Point the running service at a port where nothing listens.
		propertiesService(stack).mailer = createMailer({
			smtpUrl: "smtp://127.0.0.1:9",
			from: "Kasify <no-reply@kasify.test>",
		});
		const owner = await registerUser(http, "badrelay-owner");
		const property = await createProperty(http, owner);
		const invitation = await invite(http, owner, property.id, {
			accessLevel: "staff",
			email: "hidden.person@example.es",
		});
		expect(invitation.status).toBe("active");
		const warning = `Invitation ${invitation.id}: email not sent`;
		const line = await eventually(async () => lines.find((l) => l.includes(warning)));
		expect(line).toMatch(/email not sent \(E[A-Z]+\)$/);
		const own = serviceLines().join("\n");
		expect(own).toContain(warning);
		expect(own).not.toContain("hidden.person");
		expect(own).not.toContain(invitation.token);
	});
});
