import { and, asc, eq, inArray } from "drizzle-orm";
import type { PersonRef, Proposal, ProposalDetail, ProposalRole } from "../../shared/proposals.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { notFound } from "../lib/errors.ts";
import { communities } from "../org/schema.ts";
import { canEditDoc, roleOf } from "./policy.ts";
import { proposalMembers, proposalReviewers, proposals } from "./schema.ts";

// Loading a proposal with the asker's role on it, and turning rows into what the wire carries.
// Every other file of the feature starts here.

export type ProposalRow = typeof proposals.$inferSelect;
export type Ctx = Pick<AppContext, "db" | "yjs" | "io" | "log" | "words">;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const person = (u: { id: string; displayName: string; role: string }): PersonRef => ({
  id: u.id,
  displayName: u.displayName,
  role: u.role,
});

export interface Loaded {
  row: ProposalRow;
  role: ProposalRole | null;
}

/**
 * The proposal and the user's role on it; 404 for an unknown id. One query: every request about a
 * proposal and every open of its document starts here (each primary key matches at most one row).
 */
export async function loadFor(db: Db, user: Pick<UserRow, "id" | "roles">, id: string): Promise<Loaded> {
  if (!UUID.test(id)) throw notFound("找不到该项目");
  const [found] = await db
    .select({ row: proposals, memberRole: proposalMembers.role, reviewerId: proposalReviewers.userId })
    .from(proposals)
    .leftJoin(proposalMembers, and(eq(proposalMembers.proposalId, proposals.id), eq(proposalMembers.userId, user.id)))
    .leftJoin(
      proposalReviewers,
      and(eq(proposalReviewers.proposalId, proposals.id), eq(proposalReviewers.userId, user.id)),
    )
    .where(eq(proposals.id, id));
  if (!found) throw notFound("找不到该项目");
  const { row } = found;
  const role = roleOf(user, {
    ownerId: row.ownerId,
    status: row.status,
    memberRole: found.memberRole,
    isReviewer: found.reviewerId !== null,
  });
  return { row, role };
}

export async function toProposals(
  db: Db,
  rows: ProposalRow[],
  user: Pick<UserRow, "id" | "roles">,
): Promise<Proposal[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const owners = await db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(users)
    .where(inArray(users.id, [...new Set(rows.map((r) => r.ownerId))]));
  const comms = await db
    .select({ id: communities.id, name: communities.name })
    .from(communities)
    .where(inArray(communities.id, [...new Set(rows.map((r) => r.communityId))]));
  const members = await db
    .select()
    .from(proposalMembers)
    .where(and(inArray(proposalMembers.proposalId, ids), eq(proposalMembers.userId, user.id)));
  const reviewing = await db
    .select()
    .from(proposalReviewers)
    .where(and(inArray(proposalReviewers.proposalId, ids), eq(proposalReviewers.userId, user.id)));
  return rows.map((row) => {
    const owner = owners.find((o) => o.id === row.ownerId)!;
    const role = roleOf(user, {
      ownerId: row.ownerId,
      status: row.status,
      memberRole: members.find((m) => m.proposalId === row.id)?.role ?? null,
      isReviewer: reviewing.some((r) => r.proposalId === row.id),
    });
    return {
      id: row.id,
      title: row.title,
      communityId: row.communityId,
      communityName: comms.find((c) => c.id === row.communityId)?.name ?? null,
      owner: person(owner),
      status: row.status,
      round: row.round,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      myRole: role,
      canEdit: canEditDoc(role, row.status),
    };
  });
}

export async function toDetail(db: Db, row: ProposalRow, user: Pick<UserRow, "id" | "roles">): Promise<ProposalDetail> {
  const [proposal] = await toProposals(db, [row], user);
  const members = await db
    .select({ id: users.id, displayName: users.displayName, role: users.role, memberRole: proposalMembers.role })
    .from(proposalMembers)
    .innerJoin(users, eq(users.id, proposalMembers.userId))
    .where(eq(proposalMembers.proposalId, row.id))
    .orderBy(asc(users.displayName));
  const reviewers = await db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(proposalReviewers)
    .innerJoin(users, eq(users.id, proposalReviewers.userId))
    .where(eq(proposalReviewers.proposalId, row.id))
    .orderBy(asc(users.displayName));
  return { ...proposal!, members, reviewers: reviewers.map(person) };
}
