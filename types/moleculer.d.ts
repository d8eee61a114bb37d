/**
 * Keys Kasify adds to action schemas. The gateway reads them from the service registry, so
 * they travel to every node with the action definition.
 */
import "moleculer";

declare module "moleculer" {
	/** moleculer-web's per-alias options that Moleculer's typings leave out. */
	interface RestSchema {
		/** "multipart" makes the gateway hand the action the uploaded file as a stream. */
		type?: "multipart" | "stream";
		busboyConfig?: Record<string, unknown>;
	}

	interface ActionSchema {
		/**
		 * Who may call the action through the gateway:
		 * - "user" (default): a registered user, by JWT or personal access token;
		 * - "jwt": a registered user authenticated by JWT only (token management);
		 * - "identity": any valid JWT, registered or not (registration);
		 * - "public": anyone; a credential, if sent, is verified but never required.
		 */
		auth?: "user" | "jwt" | "identity" | "public";
		/** Rate-limit buckets keyed by client IP, beyond the per-token one. */
		rateLimit?: "geo" | "public_link" | "ical_feed";
		/** Documentation for the generated OpenAPI document. */
		openapi?: {
			summary: string;
			tags: string[];
			description?: string;
			/** Component schema name of the 2xx body, or "array:<Name>", "page:<Name>". */
			response?: string;
			/** Status of the success response; 200 unless stated. */
			status?: number;
			/** Path or query parameters that are not in `params` (e.g. path ids). */
			pathParams?: string[];
			/** Error codes this operation may answer with, beyond the generic ones. */
			errors?: number[];
		};
	}
}
