import type { User } from "../../../../shared/auth.ts";

/** Mirrors server/trainings/policy.ts to decide what to show; the server still checks every call. */
const isOrganiser = (user: User) => user.roles.includes("admin") || user.roles.includes("organiser");
const isStreetAdmin = (user: User) => user.roles.includes("street_admin") && Boolean(user.streetId);
export const canPlan = (user: User) => isOrganiser(user) || isStreetAdmin(user);
export const canSeeLedger = canPlan;
export { isOrganiser };
