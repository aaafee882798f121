import type { User } from "../../shared/auth.ts";
import type { Role } from "../../shared/vocabulary.ts";

/**
 * What the interface offers, read from the person's role set like the server's policy
 * (server/auth/policy.ts). The server decides; these only hide buttons that would be refused.
 */
type Holder = Pick<User, "roles" | "streetId">;

export const hasRole = (user: Holder, role: Role) => user.roles.includes(role);
export const hasAnyRole = (user: Holder, roles: readonly Role[]) => roles.some((role) => user.roles.includes(role));
/** District-wide organiser powers (admin includes them). */
export const isOrganiser = (user: Holder) => hasAnyRole(user, ["admin", "organiser"]);
export const managedStreet = (user: Holder) => (hasRole(user, "street_admin") && user.streetId ? user.streetId : null);
/** Organiser powers over one street or the whole district. */
export const isAnyOrganiser = (user: Holder) => isOrganiser(user) || managedStreet(user) !== null;
/** Organiser powers over things held by `streetId` (null = district-level). */
export const canManageStreet = (user: Holder, streetId: string | null) =>
  isOrganiser(user) || (managedStreet(user) !== null && managedStreet(user) === streetId);

const WORKING_ROLES: readonly Role[] = ["secretary", "mentor", "veteran", "worker", "resident"];

/** The roles this person may grant (mirrors server/accounts/policy.ts). */
export function grantableRoles(user: Holder): readonly Role[] {
  if (hasRole(user, "admin")) return ["admin", "organiser", "street_admin", ...WORKING_ROLES];
  if (isOrganiser(user)) return ["organiser", "street_admin", ...WORKING_ROLES];
  if (managedStreet(user)) return WORKING_ROLES;
  return [];
}

/** Whether the buttons to edit this person are worth showing (the server checks the street too). */
export const mayManage = (user: Holder, person: Pick<User, "roles">) =>
  person.roles.every((role) => grantableRoles(user).includes(role));

/**
 * 「姓名（身份）」, leaving the role out when the name already ends with its title: display names
 * such as 李建华导师 or 王书记 carry it, and 「李建华导师（导师）」 reads as a stutter.
 */
export function nameWithRole(displayName: string, roleLabel: string): string {
  const title = roleLabel.slice(-2);
  return displayName.endsWith(title) ? displayName : `${displayName}（${roleLabel}）`;
}
