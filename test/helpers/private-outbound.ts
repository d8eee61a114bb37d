/**
 * Lets outbound requests reach local fake providers (ALLOW_PRIVATE_OUTBOUND) for one test
 * file; the returned function restores the previous setting.
 */
import { overrideEnv } from "./env";

export const allowPrivateOutbound = () => overrideEnv({ ALLOW_PRIVATE_OUTBOUND: "true" });
