import type { User } from "../../../../shared/auth.ts";

/** Mirrors server/dashboard/policy.ts to decide what to show; the server still checks every call. */
export const isOrganiser = (user: User) => user.roles.includes("admin") || user.roles.includes("organiser");
export const canSeeDashboard = (user: User) =>
  isOrganiser(user) || (user.roles.includes("street_admin") && Boolean(user.streetId));
