/** The `this` of the accounts service's handlers. */
import type { EventsService } from "../../shared/mixins/events.mixin";
import type { AccountModels } from "./models";

export interface AccountsService extends EventsService {
	models: AccountModels & EventsService["models"];
	/** Drops the cached identity of a subject so every gateway sees a change at once. */
	forgetSubject(sub: string): Promise<void>;
	forgetToken(tokenHash: string): Promise<void>;
}
