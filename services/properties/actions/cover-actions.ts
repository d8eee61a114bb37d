/** Cover image operations (§11.7–§11.9). */
import type { ServiceActionsSchema } from "moleculer";
import { uuidParam } from "../../../shared/params";
import { OWNER_OR_MANAGER } from "../../../shared/permissions";
import { coverFile, removeCover, uploadCover } from "../covers";
import { coverUploadRest } from "../covers/http";

const tags = ["Properties"];

const uploadRoute = coverUploadRest("/properties/:id/cover");

export const coverActions: ServiceActionsSchema = {
	uploadCover: {
		// The file arrives as a stream, so there are no `params` to validate: the path id
		// reaches the access check through `ctx.meta.$params`.
		rest: uploadRoute,
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Upload a cover image for a property",
			description:
				"multipart/form-data with one file field named `file`: JPEG, PNG, WebP or " +
				"AVIF, at most 10 MiB. Re-encoded to WebP without metadata.",
			tags,
			response: "Property",
			errors: [404, 413, 415, 422],
		},
		handler: uploadCover,
	},

	removeCover: {
		rest: "DELETE /properties/:id/cover",
		params: { id: uuidParam },
		propertyAccess: { param: "id", roles: OWNER_OR_MANAGER },
		openapi: {
			summary: "Remove the cover image for a property",
			tags,
			status: 204,
			errors: [404],
		},
		handler: removeCover,
	},

	coverFile: {
		rest: "GET /media/covers/:key/:width.webp",
		auth: "public",
		params: { key: { type: "string", max: 26 }, width: { type: "string", max: 4 } },
		openapi: {
			summary: "Cover image file",
			description: "A WebP variant of a cover; public, immutable, with an ETag.",
			tags,
			errors: [404],
		},
		handler: coverFile,
	},
};
