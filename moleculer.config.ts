/**
 * Broker configuration for `moleculer-runner`. Which services a process runs is chosen with
 * the `SERVICES` variable: `SERVICES=accounts` loads `services/accounts/accounts.service`.
 * Every setting comes from the environment through `shared/config.ts`.
 */
import { brokerOptions } from "./shared/broker-options";

export = brokerOptions();
