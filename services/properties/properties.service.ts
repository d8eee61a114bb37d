/**
 * Properties: the rental properties of each account, their cover images, their crew
 * (members with per-property roles) and the invitations that bring people in. It also
 * answers every service's question "what is this user's role on this property?".
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { createMailer } from "../../shared/mailer";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { forgetRoles } from "../../shared/permissions";
import { coverActions } from "./actions/cover-actions";
import { crewActions } from "./actions/crew-actions";
import { icalExportActions } from "./actions/ical-export-actions";
import { internalActions } from "./actions/internal-actions";
import { invitationActions } from "./actions/invitation-actions";
import { propertyActions } from "./actions/property-actions";
import { CoverStore } from "./covers/cover-store";
import { definePropertyModels } from "./models";
import { propertyComponents } from "./openapi-components";
import type { PropertiesService } from "./service-types";

const properties: ServiceSchema<ServiceSettingSchema, PropertiesService> = {
	name: "properties",
	mixins: domainServiceMixins(definePropertyModels),

	settings: {
		rest: "/",
		publishes: [
			"property.created",
			"property.updated",
			"property.deleted",
			"member.joined",
			"member.updated",
			"member.removed",
			"invitation.created",
			"invitation.revoked",
		],
		outboxModels: ["Property", "Member", "Invitation"],
		openapiComponents: propertyComponents,
	},

	actions: {
		...propertyActions,
		...coverActions,
		...crewActions,
		...icalExportActions,
		...invitationActions,
		...internalActions,
	},

	methods: {
		/**
		 * Cached roles are deleted by the writer right after each change of standing (member
		 * joined, updated, removed; property deleted) rather than by consumers of the events:
		 * a removed member must lose access on the very next request, not when a consumer
		 * catches up. The cache is one Redis shared by every node, so one deletion is enough.
		 */
		async forgetRoles(this: PropertiesService, propertyId: string, userIds: string[]) {
			await forgetRoles(this.broker, propertyId, userIds);
		},

		async removeCoverFiles(this: PropertiesService, key: string) {
			try {
				await this.coverStore.remove(key);
			} catch (err) {
				this.logger.warn(`Cover files ${key} could not be deleted; they are orphans`, err);
			}
		},
	},

	created(this: PropertiesService) {
		this.mailer = createMailer();
		this.coverStore = new CoverStore(this.db);
	},

	async started(this: PropertiesService) {
		await this.coverStore.ensureIndexes();
		if (!this.mailer.configured) {
			this.logger.warn("No mail relay configured (SMTP_URL): invitation emails are off");
		}
	},

	stopped(this: PropertiesService) {
		this.mailer.close();
	},
};

export = properties;
