/**
 * When an action's own call to another service finds no endpoint, the action fails with
 * 503 SERVICE_UNAVAILABLE instead of passing the callee's SERVICE_NOT_FOUND on.
 *
 * The retry policy retries SERVICE_NOT_FOUND and SERVICE_NOT_AVAILABLE because such a call
 * never reached a handler, so repeating it is safe. Once the error has come out of this
 * action's handler, that is no longer true: the handler ran, and a retry by its caller would
 * run it again — and every level would retry the whole level below (a calendar waited
 * 3.7 s for its 503 while the tasks service was down).
 */
import { Errors, type Context, type LoggerInstance, type ServiceBroker } from "moleculer";

/** Error types of calls that never reached a handler: the only ones worth a retry. */
export const NEVER_HANDLED = new Set(["SERVICE_NOT_AVAILABLE", "SERVICE_NOT_FOUND"]);

type Handler = (ctx: Context) => Promise<unknown>;

export function DependencyErrorsMiddleware() {
	let logger: LoggerInstance | undefined;
	return {
		name: "DependencyErrors",
		created(broker: ServiceBroker) {
			logger = broker.getLogger("dependencies");
		},
		localAction(next: Handler, action: { name: string }) {
			return (ctx: Context) =>
				next(ctx).catch((err: unknown) => {
					const failure = err as { type?: string; data?: { action?: string } };
					if (!NEVER_HANDLED.has(failure?.type ?? "")) throw err;
					const missing = failure.data?.action ?? "another service";
					// The operator's clue: which service is missing, for which operation.
					logger?.warn(`${action.name} failed: no ${missing} endpoint is running`);
					throw new Errors.MoleculerError(
						`${action.name} could not reach ${missing}`,
						503,
						"SERVICE_UNAVAILABLE",
						{ dependency: missing },
					);
				});
		},
	};
}
