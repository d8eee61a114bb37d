import type { IncomingMessage } from "node:http";
import { clientIp } from "../../services/api/client-ip";

const req = (remote: string, xff?: string) =>
	({
		socket: { remoteAddress: remote },
		headers: xff ? { "x-forwarded-for": xff } : {},
	}) as unknown as IncomingMessage;

it("trusts proxies named by CIDR range, IPv4 and IPv6", () => {
	expect(clientIp(req("10.2.3.4", "203.0.113.9"), ["10.0.0.0/8"])).toBe("203.0.113.9");
	expect(clientIp(req("::ffff:10.2.3.4", "203.0.113.9, 10.9.9.9"), ["10.0.0.0/8"])).toBe(
		"203.0.113.9",
	);
	expect(clientIp(req("192.168.1.1", "203.0.113.9"), ["10.0.0.0/8"])).toBe("192.168.1.1");
	expect(clientIp(req("127.0.0.1", "203.0.113.9"), ["127.0.0.1"])).toBe("203.0.113.9");
	expect(clientIp(req("fd00::5", "2001:db8::1"), ["fd00::/8"])).toBe("2001:db8::1");
});
