/** Settings of the properties service, from the process configuration. */
import { config } from "../../shared/config";

/** Absolute base of the public URLs this service hands out (cover files, invitation links). */
export const publicBaseUrl = (): string => config().publicBaseUrl;

/** Lifts the https and private-host rules on outbound URLs, for tests and LAN setups (§1.10a). */
export const allowPrivateOutbound = (): boolean => config().allowPrivateOutbound;
