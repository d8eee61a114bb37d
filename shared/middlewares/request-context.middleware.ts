/**
 * Runs every local action and event handler inside the request context of its Moleculer
 * context, so that log lines written anywhere below carry the request id.
 */
import type { Context } from "moleculer";
import { runWithRequestId } from "../request-context";

type Handler = (ctx: Context) => unknown;

export const RequestContextMiddleware = {
	name: "RequestContext",
	localAction(next: Handler) {
		return (ctx: Context) => runWithRequestId(ctx.requestID, () => next(ctx));
	},
	localEvent(next: Handler) {
		return (ctx: Context) => runWithRequestId(ctx.requestID, () => next(ctx));
	},
};
