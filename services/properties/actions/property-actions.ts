/** Properties operations (§11.1–§11.6). */
import type { ServiceActionsSchema } from "moleculer";
import { pagination, uuidParam } from "../../../shared/params";
import { ANY_ROLE, OWNER_ONLY, OWNER_OR_MANAGER } from "../../../shared/permissions";
import { deleteProperty } from "../property-delete";
import { fullPropertyParams, patchPropertyParams } from "../property-params";
import { getProperty, listProperties } from "../property-reads";
import { createProperty, patchProperty, replaceProperty } from "../property-writes";

const tags = ["Properties"];

export const propertyActions: ServiceActionsSchema = {
	list: {
		rest: "GET /properties",
		params: {
			...pagination(),
			query: { type: "string", trim: true, min: 1, max: 100, optional: true },
		},
		openapi: {
			summary: "List properties accessible to the caller",
			description: "Ordered by name, then id. Staff and contractors get redacted properties.",
			tags,
			response: "page:Property:properties",
		},
		handler: listProperties,
	},

	create: {
		rest: "POST /properties",
		params: fullPropertyParams,
		openapi: {
			summary: "Create a property",
			tags,
			response: "Property",
			status: 201,
		},
		handler: createProperty,
	},

	get: {
		rest: "GET /properties/:id",
		params: { id: uuidParam },
		propertyAccess: { param: "id", roles: ANY_ROLE },
		openapi: {
			summary: "Get a property by id",
			tags,
			response: "PropertyDetail",
			errors: [404],
		},
		handler: getProperty,
	},

	update: {
		rest: "PUT /properties/:id",
		params: { id: uuidParam, ...fullPropertyParams },
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Update a property",
			description: "A full replacement: omitted optional fields revert to their default.",
			tags,
			response: "Property",
			errors: [404],
		},
		handler: replaceProperty,
	},

	patch: {
		rest: "PATCH /properties/:id",
		params: { id: uuidParam, ...patchPropertyParams },
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Partially update a property",
			description:
				"JSON Merge Patch. country_code, province_id, city_id and the iCal URLs are " +
				"not patchable (422 FIELD_NOT_MODIFIABLE).",
			tags,
			response: "Property",
			errors: [404],
		},
		handler: patchProperty,
	},

	remove: {
		rest: "DELETE /properties/:id",
		params: {
			id: uuidParam,
			force: { type: "boolean", convert: true, optional: true, default: false },
		},
		propertyAccess: { param: "id", roles: OWNER_ONLY },
		openapi: {
			summary: "Delete a property",
			tags,
			status: 204,
			errors: [404, 409],
		},
		handler: deleteProperty,
	},
};
