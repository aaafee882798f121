import { isOrganiser, managedStreet, requireOrganiser } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import { forbidden } from "../lib/errors.ts";

type Person = Pick<UserRow, "roles" | "streetId">;

/** Streets and communities are edited district-wide, so only organisers change them. */
export function requireOrgEditor(user: Person): void {
  requireOrganiser(user, "仅组织部或管理员可以调整街道和社区");
}

/**
 * The street a person manages people in: null means the whole district (organisers); a street admin
 * gets their own street; anyone else is refused.
 */
export function peopleScope(user: Person): { streetId: string | null } {
  if (isOrganiser(user)) return { streetId: null };
  const own = managedStreet(user);
  if (own) return { streetId: own };
  throw forbidden("仅组织部、管理员或街道管理员可以管理人员");
}
