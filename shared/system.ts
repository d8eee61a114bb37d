/**
 * The domain services that make up the system. The gateway is ready only when every one of
 * them is registered and connected to its database; the deployment manifests have one
 * Deployment each. Add a service here when it lands.
 */
export const DOMAIN_SERVICES = ["accounts", "properties", "geo", "bookings", "tasks"] as const;
