import { and, eq, isNull, or, type SQL } from "drizzle-orm";
import type { User } from "../../shared/auth.ts";
import { maskPhone } from "../../shared/auth.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import { toPublicUser } from "../auth/users.ts";
import type { Db } from "../db/client.ts";
import { communities } from "../org/schema.ts";
import type { PersonFacts } from "./policy.ts";

/** A user row with the street of their community, which is how a person belongs to a street. */
export type PersonRow = UserRow & { communityStreetId: string | null };

export const factsOf = (row: PersonRow): PersonFacts => ({
  id: row.id,
  roles: row.roles,
  street: row.communityStreetId ?? row.streetId,
});

export async function loadPeople(db: Pick<Db, "select">, where?: SQL): Promise<PersonRow[]> {
  const rows = await db
    .select({ user: users, communityStreetId: communities.streetId })
    .from(users)
    .leftJoin(communities, eq(communities.id, users.communityId))
    .where(where)
    .orderBy(users.createdAt, users.username);
  return rows.map((r) => ({ ...r.user, communityStreetId: r.communityStreetId }));
}

export async function loadPerson(db: Pick<Db, "select">, userId: string): Promise<PersonRow | undefined> {
  const [row] = await loadPeople(db, eq(users.id, userId));
  return row;
}

/** The people of one street: by their community's street, or by the street on their account. */
export const inStreet = (streetId: string) =>
  or(eq(communities.streetId, streetId), and(isNull(users.communityId), eq(users.streetId, streetId)))!;

/** The public shape for a viewer: the phone number is masked unless they may see it in full. */
export function personFor(row: UserRow, seesDetails: boolean): User {
  const user = toPublicUser(row);
  if (!seesDetails && user.phone) user.phone = maskPhone(user.phone);
  return user;
}
