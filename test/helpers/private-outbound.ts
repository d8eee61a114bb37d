/**
 * Lets outbound requests reach local fake providers (ALLOW_PRIVATE_OUTBOUND) for one test
 * file; the returned function restores the previous setting.
 */
import { resetConfig } from "../../shared/config";

export function allowPrivateOutbound(): () => void {
	const saved = process.env.ALLOW_PRIVATE_OUTBOUND;
	process.env.ALLOW_PRIVATE_OUTBOUND = "true";
	resetConfig();
	return () => {
		if (saved === undefined) delete process.env.ALLOW_PRIVATE_OUTBOUND;
		else process.env.ALLOW_PRIVATE_OUTBOUND = saved;
		resetConfig();
	};
}
