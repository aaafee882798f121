import type { User } from "../../shared/auth.ts";
import type { UserRow } from "./sessions.ts";

/**
 * The public shape of a user, as the person themselves sees it; never includes the password hash.
 * Shown to anyone else, it goes through the accounts feature's `personFor`, which masks the phone.
 */
export function toPublicUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    roles: row.roles,
    flags: row.flags,
    level: row.level,
    communityId: row.communityId,
    streetId: row.streetId,
    hireDate: row.hireDate,
    phone: row.phone,
    partyMember: row.partyMember,
    disabled: row.disabled,
    mustChangePassword: row.mustChangePassword,
    createdAt: row.createdAt.toISOString(),
  };
}
