/** How often each feed is fetched (§11.11: 30 minutes by default, configurable 15 to 360). */
import { config } from "../../../shared/config";

export const syncIntervalMs = (): number => config().icalSyncIntervalMinutes * 60_000;
