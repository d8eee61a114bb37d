/**
 * Every domain event of the spec's catalogue (§19). Each type is a channel with a JetStream
 * stream of its own; producers create the streams of what they publish when they start.
 */
export const DOMAIN_EVENTS = [
	"account.registered",
	"account.updated",
	"apitoken.created",
	"apitoken.revoked",
	"property.created",
	"property.updated",
	"property.deleted",
	"ical.synced",
	"invitation.created",
	"invitation.revoked",
	"member.joined",
	"member.updated",
	"member.removed",
	"booking.created",
	"booking.updated",
	"booking.cancelled",
	"guest.registered",
	"guest.deleted",
	"checkin.completed",
	"task.created",
	"task.updated",
	"task.started",
	"task.completed",
	"task.cancelled",
	"task.deleted",
	"accesscode.issued",
	"accesscode.activated",
	"accesscode.updated",
	"accesscode.failed",
	"accesscode.revoked",
	"smartlock.added",
	"smartlock.removed",
	"integration.created",
	"integration.updated",
	"integration.removed",
	"ses.submitted",
	"ses.accepted",
	"ses.rejected",
	"ses.error",
] as const;

export const isDomainEventType = (value: string): boolean =>
	(DOMAIN_EVENTS as readonly string[]).includes(value);
