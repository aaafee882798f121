import type { UserRow } from "../auth/sessions.ts";
import { forbidden } from "../lib/errors.ts";

/**
 * Every permission of trainings, check-in and the ledger in one place. It reads the role set
 * (`roles`), never the primary role: admins and organisers may do everything, a street admin
 * what concerns the street named in `streetId`.
 */
export type Viewer = Pick<UserRow, "id" | "roles" | "streetId" | "communityId">;

export const isDistrictOrganiser = (viewer: Pick<UserRow, "roles">) =>
  viewer.roles.includes("admin") || viewer.roles.includes("organiser");

/** The street a street admin manages, or null for anyone else. */
export const managedStreet = (viewer: Pick<UserRow, "roles" | "streetId">) =>
  viewer.roles.includes("street_admin") && viewer.streetId ? viewer.streetId : null;

export const canPlanTrainings = (viewer: Viewer) => isDistrictOrganiser(viewer) || managedStreet(viewer) !== null;

/** Organisers create any training; a street admin street- or community-level ones in their street. */
export function assertCanCreateTraining(viewer: Viewer, training: { level: string; streetId: string | null }): void {
  if (isDistrictOrganiser(viewer)) return;
  const street = managedStreet(viewer);
  if (!street) throw forbidden("只有组织部和街道管理员可以创建培训");
  if (training.level === "district") throw forbidden("区级培训由组织部创建");
  if (training.streetId !== street) throw forbidden("只能为本街道创建培训");
}

/** Who hosts a training: sees its code, who is in, and changes attendance by hand. */
export const canHostTraining = (viewer: Viewer, training: { createdBy: string; streetId: string | null }) =>
  isDistrictOrganiser(viewer) ||
  training.createdBy === viewer.id ||
  (training.streetId !== null && managedStreet(viewer) === training.streetId);

/** Forums and 老书记论坛 events are hosted by their host; organisers may step in. */
export const canHostEvent = (viewer: Viewer, event: { hostId: string }) =>
  isDistrictOrganiser(viewer) || event.hostId === viewer.id;

/**
 * The ledger's scope for this viewer: organisers see the district (or the street they ask for),
 * a street admin only their own street, anyone else nothing.
 */
export function ledgerStreetScope(viewer: Viewer, askedStreetId: string | undefined): string | undefined {
  if (isDistrictOrganiser(viewer)) return askedStreetId;
  const street = managedStreet(viewer);
  if (!street) throw forbidden("只有组织部和街道管理员可以查看培训台账");
  if (askedStreetId && askedStreetId !== street) throw forbidden("只能查看本街道的培训台账");
  return street;
}
