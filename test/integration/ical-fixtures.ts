/**
 * What the iCal import suites share: the local fake of Airbnb and Booking.com, a stack that
 * may reach it (ALLOW_PRIVATE_OUTBOUND), an owner, and syncing a feed on demand.
 */
import type { ServiceSchema } from "moleculer";
import accounts from "../../services/accounts/accounts.service";
import bookings from "../../services/bookings/bookings.service";
import properties from "../../services/properties/properties.service";
import { startIcalServer, type FakeIcalServer } from "../fakes/ical-server";
import { overrideEnv } from "../helpers/env";
import { client } from "../helpers/http";
import { cleanUp, eventually, startStack, type Stack } from "../helpers/stack";
import { geoStub, registerUser, type Http, type TestUser } from "./properties-fixtures";

export type FeedSource = "airbnb" | "booking";

export interface IcalWorld {
	stack: Stack;
	http: Http;
	owner: TestUser;
	feeds: FakeIcalServer;
	/** The bookings service instance, for its models and its sync action. */
	bookingsService(): any;
	/** Syncs now, waiting out a sync already running (the one a URL change starts). */
	sync(propertyId: string, source: FeedSource): Promise<any>;
	bookingsOf(propertyId: string): Promise<any[]>;
	stop(): Promise<void>;
}

/**
 * Starts accounts, a geo stub, properties and bookings, plus `extra` (event recorders, the
 * tasks service); `env` overrides settings such as ICAL_FETCH_TIMEOUT_MS for the file.
 */
export async function startIcalWorld(
	label: string,
	extra: ServiceSchema<any, any>[] = [],
	env: Record<string, string> = {},
): Promise<IcalWorld> {
	const restoreEnv = overrideEnv({ ALLOW_PRIVATE_OUTBOUND: "true", ...env });
	const feeds = await startIcalServer();
	const stack = await startStack(label, [accounts, geoStub, properties, bookings, ...extra]);
	const http = client(stack.url);
	const owner = await registerUser(http, `${label}-owner`);
	const bookingsService = (): any => stack.brokers.get("bookings")?.getLocalService("bookings");
	return {
		stack,
		http,
		owner,
		feeds,
		bookingsService,
		sync: (propertyId, source) =>
			eventually(async () => {
				const outcome = await bookingsService().broker.call("bookings.syncFeed", {
					propertyId,
					source,
				});
				// null: the feed does not exist yet (property.created is still on its way).
				return outcome === "busy" || outcome === null ? undefined : outcome;
			}, 20_000),
		bookingsOf: (propertyId) =>
			bookingsService().models.Booking.find({ property_id: propertyId }).lean(),
		async stop() {
			await stack.stop();
			const recorders = extra.map((s) => s.name).filter((name) => name !== "tasks");
			await cleanUp(stack.namespace, recorders);
			await feeds.close();
			restoreEnv();
		},
	};
}
