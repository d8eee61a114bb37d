/**
 * Who may change or remove whom (§12.4, §12.5, the "L" and "S" marks of §18.1), and the
 * services a member ends up with. Pure functions: the handlers load, these decide.
 */
import { ApiError, conflict, forbidden, validationFailed } from "../../shared/errors";
import type { PropertyRole } from "../../shared/permissions";
import { DEFAULT_SERVICES, isBelowManager, type MemberLevel } from "./vocabulary";

export const ownerImmutable = () =>
	conflict("OWNER_IMMUTABLE", "The owner cannot be removed or have their access changed.");

/**
 * Why a member (never the owner: see ownerImmutable) goes, when the caller may make them go;
 * otherwise 403.
 */
export function removalReason(
	callerRole: PropertyRole,
	callerId: string,
	target: { userId: string; level: PropertyRole },
): "removed" | "left" {
	if (target.userId === callerId) return "left";
	if (callerRole === "owner") return "removed";
	if (callerRole === "manager" && isBelowManager(target.level)) return "removed";
	throw forbidden("Your role does not allow removing this member.");
}

/** A manager may only act on staff and contractors, and never grant manager. */
export function checkUpdateAllowed(
	callerRole: PropertyRole,
	targetLevel: PropertyRole,
	nextLevel: MemberLevel,
): void {
	if (targetLevel === "owner") throw ownerImmutable();
	if (callerRole === "owner") return;
	if (callerRole === "manager" && isBelowManager(targetLevel) && isBelowManager(nextLevel)) {
		return;
	}
	throw forbidden("Managers may only change staff and contractors, and not grant manager.");
}

/**
 * The services a member at `level` carries: none for a manager; for staff and contractors the
 * given ones (at least one), else the current ones, else the default.
 */
export function servicesFor(
	level: MemberLevel,
	given: string[] | null | undefined,
	current: string[],
	field = "services",
): string[] {
	if (level === "manager") {
		if (given && given.length > 0) {
			throw validationFailed([{ field, message: "Managers carry no services." }]);
		}
		return [];
	}
	if (given) {
		if (given.length === 0) {
			throw validationFailed([{ field, message: "Staff and contractors need a service." }]);
		}
		return [...new Set(given)];
	}
	return current.length > 0 ? current : [...DEFAULT_SERVICES];
}

export const nothingToUpdate = () =>
	new ApiError(422, "VALIDATION_FAILED", "The request body is invalid.", [
		{ field: null, message: "Send access_level, services, or both." },
	]);
