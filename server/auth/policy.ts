import type { Role } from "../../shared/enums.ts";
import { forbidden } from "../lib/errors.ts";
import type { UserRow } from "./sessions.ts";

/**
 * The shared vocabulary of every feature's policy: what a person's set of roles allows.
 *
 * - `admin` has every power of `organiser` (plus managing other admins);
 * - `organiser` (区委组织部 / 民政局) holds the district-wide feature powers: studios, hosting any
 *   forum, 老书记论坛 events, moderation, managing people;
 * - `street_admin` holds the same powers, but only for activities and people of their own street.
 *
 * Activities (forums, studios, Q&A events) carry a nullable `streetId`: null is district-level,
 * which only organisers manage. Permission checks read `roles`, never the primary `role`.
 */
export type RoleHolder = Pick<UserRow, "roles">;
export type StreetHolder = Pick<UserRow, "roles" | "streetId">;

export const hasRole = (user: RoleHolder, role: Role) => user.roles.includes(role);

export const hasAnyRole = (user: RoleHolder, roles: readonly Role[]) => roles.some((role) => user.roles.includes(role));

export const isAdmin = (user: RoleHolder) => hasRole(user, "admin");

/** District-wide organiser powers: `organiser`, and `admin` which includes them. */
export const isOrganiser = (user: RoleHolder) => hasAnyRole(user, ["admin", "organiser"]);

/** The street this person administers, or null when they are not a street admin (or have no street). */
export const managedStreet = (user: StreetHolder): string | null =>
  hasRole(user, "street_admin") && user.streetId ? user.streetId : null;

/** Organiser powers over things held by `streetId` (null = district-level: organisers only). */
export function canManageStreet(user: StreetHolder, streetId: string | null): boolean {
  if (isOrganiser(user)) return true;
  const own = managedStreet(user);
  return own !== null && streetId === own;
}

/** Holds organiser powers somewhere: district-wide or over one street. */
export const isAnyOrganiser = (user: StreetHolder) => isOrganiser(user) || managedStreet(user) !== null;

export function requireOrganiser(user: RoleHolder, message = "仅组织部或管理员可以执行此操作"): void {
  if (!isOrganiser(user)) throw forbidden(message);
}

export function requireManageStreet(
  user: StreetHolder,
  streetId: string | null,
  message = "只能管理本街道的活动",
): void {
  if (!canManageStreet(user, streetId)) throw forbidden(message);
}

/**
 * The street a new activity belongs to when its creator names one (or none): an organiser may
 * choose any street or the district; a street admin's activities are always their street's.
 * Anyone else (e.g. a secretary scheduling a forum) gets the street they asked for only if they
 * could manage it, else a district-level activity is not theirs to make street-scoped: null.
 */
export function activityStreet(user: StreetHolder, requested: string | null | undefined): string | null {
  if (isOrganiser(user)) return requested ?? null;
  const own = managedStreet(user);
  if (own) {
    if (requested && requested !== own) throw forbidden("街道管理员只能为本街道安排活动");
    return own;
  }
  return null;
}
