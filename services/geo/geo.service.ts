/**
 * Geo: public reference data for the check-in form and property addresses (§8). Every
 * ISO 3166-1 country, Spain's provinces and INE municipalities, loaded at start from the
 * versioned files in `./data` and searched by name or code in a snapshot each replica keeps
 * in memory. Other services check addresses with `geo.resolve`.
 */
import { randomUUID } from "node:crypto";
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { RequestContext } from "../../shared/context";
import { domainServiceMixins } from "../../shared/mixins/domain-service";
import { readShippedDataset, type Dataset } from "./dataset";
import { ensureLoaded } from "./lease";
import { summarise } from "./loader";
import { defineGeoModels } from "./models";
import { geoComponents } from "./openapi-components";
import { resolve, type ResolveParams } from "./resolve";
import { searchCities, searchCountries, searchProvinces } from "./search";
import {
	cachedResult,
	pagingParams,
	queryParam,
	RESULT_TTL_S,
	searchInput,
	setCacheControl,
	uuidFilter,
	type RawSearchParams,
} from "./search-params";
import type { GeoService } from "./service-types";
import { DATASET_LOADED, SnapshotStore, type GeoSnapshot } from "./snapshot";

type Search<F = object> = RequestContext<RawSearchParams & F>;

/** The Redis key of a search: its input and the dataset version it was answered from. */
const keyOf = (input: object, snapshot: GeoSnapshot) => ({ ...input, dataset: snapshot.version });

const geo: ServiceSchema<ServiceSettingSchema, GeoService> = {
	name: "geo",
	mixins: domainServiceMixins(defineGeoModels),

	settings: {
		rest: "/",
		openapiComponents: geoComponents,
		/**
		 * How often a replica compares its snapshot's version with the one the database
		 * records: the safety net for a `geo.dataset.loaded` broadcast it missed (it was
		 * restarting, or the load came from `npm run geo:load`, which does not broadcast).
		 */
		datasetCheckMs: 30_000,
	},

	actions: {
		searchCountries: {
			rest: "GET /geo/countries",
			auth: "public",
			rateLimit: "geo",
			params: {
				query: queryParam("Name in English or Spanish, or an ISO alpha-2/alpha-3 code."),
				...pagingParams(300),
			},
			openapi: {
				summary: "Search countries",
				tags: ["Geo"],
				description: "Public reference data for the check-in form.",
				response: "page:Country:countries",
			},
			async handler(this: GeoService, ctx: Search) {
				setCacheControl(ctx.meta, ctx.params);
				const snapshot = this.snapshots.current;
				const input = searchInput(ctx.params);
				return cachedResult(this, "geo.searchCountries", keyOf(input, snapshot), () =>
					searchCountries(snapshot, input),
				);
			},
		},

		searchProvinces: {
			rest: "GET /geo/provinces",
			auth: "public",
			rateLimit: "geo",
			params: {
				country_id: uuidFilter("Restrict provinces to this country."),
				query: queryParam("Part of the province name."),
				...pagingParams(100),
			},
			openapi: {
				summary: "Search provinces",
				tags: ["Geo"],
				description: "Spain's 52 provinces, with INE and ISO 3166-2 codes.",
				response: "page:Province:provinces",
			},
			async handler(this: GeoService, ctx: Search<{ country_id?: string }>) {
				setCacheControl(ctx.meta, ctx.params);
				const snapshot = this.snapshots.current;
				const input = {
					...searchInput(ctx.params),
					countryId: ctx.params.country_id?.toLowerCase(),
				};
				return cachedResult(this, "geo.searchProvinces", keyOf(input, snapshot), () =>
					searchProvinces(snapshot, input),
				);
			},
		},

		searchCities: {
			rest: "GET /geo/cities",
			auth: "public",
			rateLimit: "geo",
			params: {
				province_id: uuidFilter("Restrict cities to this province."),
				query: queryParam("Part of the municipality name, or its 5-digit INE code."),
				...pagingParams(100),
			},
			openapi: {
				summary: "Search cities",
				tags: ["Geo"],
				description: "Spain's municipalities as INE lists them, with their INE codes.",
				response: "page:City:cities",
			},
			async handler(this: GeoService, ctx: Search<{ province_id?: string }>) {
				setCacheControl(ctx.meta, ctx.params);
				const snapshot = this.snapshots.current;
				const input = {
					...searchInput(ctx.params),
					provinceId: ctx.params.province_id?.toLowerCase(),
				};
				return cachedResult(this, "geo.searchCities", keyOf(input, snapshot), () =>
					searchCities(snapshot, input),
				);
			},
		},

		/** Country (by alpha-2 or alpha-3), province and city by id; null where unknown. */
		resolve: {
			visibility: "public",
			params: {
				country_code: { type: "string", trim: true, min: 2, max: 3, optional: true },
				province_id: { type: "uuid", optional: true },
				city_id: { type: "uuid", optional: true },
			},
			cache: { keys: ["country_code", "province_id", "city_id"], ttl: RESULT_TTL_S },
			async handler(this: GeoService, ctx: RequestContext<ResolveParams>) {
				return resolve(this.models, ctx.params);
			},
		},
	},

	events: {
		[DATASET_LOADED]: {
			params: { version: "string" },
			handler(this: GeoService) {
				this.syncSnapshot();
			},
		},
	},

	methods: {
		shippedDataset(this: GeoService): Dataset {
			return readShippedDataset();
		},

		async ensureDataset(this: GeoService) {
			const dataset = this.shippedDataset();
			const startedAt = Date.now();
			const result = await ensureLoaded(this.models, dataset, {
				holder: `${this.broker.nodeID}/${randomUUID()}`,
				onWait: (holder) =>
					this.logger.info(
						`Waiting for ${holder} to load geo dataset ${dataset.version}`,
					),
			});
			if (!result.loaded || !result.report) {
				this.logger.info(`Geo dataset ${dataset.version} already loaded`);
				return;
			}
			// Results of the previous version can no longer be asked for: free their space.
			await this.broker.cacher?.clean("geo.**");
			this.logger.info(
				`Geo dataset ${dataset.version} loaded in ${Date.now() - startedAt} ms ` +
					`(${summarise(result.report)})`,
			);
			// The other replicas re-read now rather than at their next check.
			await this.broker
				.broadcast(DATASET_LOADED, { version: dataset.version })
				.catch((err: unknown) => this.logger.warn(`${DATASET_LOADED} not broadcast`, err));
		},

		/** Re-reads the snapshot if the recorded version changed; a failure keeps the old one. */
		syncSnapshot(this: GeoService) {
			this.snapshots.sync().catch((err: unknown) => {
				this.logger.warn("Geo snapshot not refreshed; searches use the previous one", err);
			});
		},
	},

	created(this: GeoService) {
		this.snapshots = new SnapshotStore(this.models, this.logger);
	},

	// Runs after the database mixin has connected and created the indexes.
	async started(this: GeoService) {
		await this.ensureDataset();
		await this.snapshots.sync();
		/*
		 * Another replica may load a different version later (a newer release during a rolling
		 * deployment). Its broadcast refreshes the snapshot at once; this check, a single
		 * lookup by id, catches up within `datasetCheckMs` if the broadcast never came.
		 * Checking on every search instead would add a database round trip to each one, the
		 * cost the snapshot exists to avoid.
		 */
		this.datasetTimer = setInterval(() => this.syncSnapshot(), this.settings.datasetCheckMs);
		this.datasetTimer.unref();
	},

	stopped(this: GeoService) {
		clearInterval(this.datasetTimer);
	},
};

export = geo;
