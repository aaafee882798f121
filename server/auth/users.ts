import type { User } from "../../shared/auth.ts";
import type { UserRow } from "./sessions.ts";

/** The public shape of a user; never includes the password hash. */
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
    partyMember: row.partyMember,
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
  };
}
