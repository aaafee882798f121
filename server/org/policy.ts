import type { Role } from "../../shared/enums.ts";
import type { UserRow } from "../auth/sessions.ts";
import { forbidden } from "../lib/errors.ts";

type Person = Pick<UserRow, "roles" | "streetId">;

const hasAny = (user: Person, roles: Role[]) => user.roles.some((role) => roles.includes(role));

/** 区委组织部 / 民政局 organisers and system admins: the whole district. */
export const isOrganiser = (user: Person) => hasAny(user, ["admin", "organiser"]);

/** Streets and communities are edited district-wide, so only organisers change them. */
export function requireOrgEditor(user: Person): void {
  if (!isOrganiser(user)) throw forbidden("仅组织部或管理员可以调整街道和社区");
}

/**
 * The street a person manages people in: null means the whole district (organisers); a street admin
 * gets their own street; anyone else is refused.
 */
export function peopleScope(user: Person): { streetId: string | null } {
  if (isOrganiser(user)) return { streetId: null };
  if (user.roles.includes("street_admin") && user.streetId) return { streetId: user.streetId };
  throw forbidden("仅组织部、管理员或街道管理员可以管理人员");
}
