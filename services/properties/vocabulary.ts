/** Access levels and crew services of spec §12. */
import type { PropertyRole } from "../../shared/permissions";

/** Levels an invitation or a crew update may grant; the owner is implicit, never granted. */
export const MEMBER_LEVELS = ["manager", "staff", "contractor"] as const;
export type MemberLevel = (typeof MEMBER_LEVELS)[number];

/** Task types a staff or contractor member covers. */
export const CREW_SERVICES = ["cleaning", "maintenance", "pool", "gardening"] as const;
export type CrewService = (typeof CREW_SERVICES)[number];

export const DEFAULT_SERVICES: CrewService[] = ["cleaning"];

/** Levels below manager: what a manager may invite, change or remove (the "L" rule). */
export const isBelowManager = (level: PropertyRole | MemberLevel): boolean =>
	level === "staff" || level === "contractor";

/** Whether someone at this level with these services may be the default cleaner (§11.0). */
export const canBeDefaultCleaner = (level: PropertyRole, services: string[]): boolean =>
	level === "owner" || level === "manager" || services.includes("cleaning");
