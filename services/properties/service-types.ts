/** The `this` of the properties service's handlers. */
import type { Mailer } from "../../shared/mailer";
import type { EventsService } from "../../shared/mixins/events.mixin";
import type { CoverStore } from "./covers/cover-store";
import type { PropertyModels } from "./models";

export interface PropertiesService extends EventsService {
	models: PropertyModels & EventsService["models"];
	mailer: Mailer;
	coverStore: CoverStore;
	/** Drops cached roles of these users on the property (after any change of standing). */
	forgetRoles(propertyId: string, userIds: string[]): Promise<void>;
	/** Deletes a cover's files; a failure is logged, never thrown (the files are orphans). */
	removeCoverFiles(key: string): Promise<void>;
}
