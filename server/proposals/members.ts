import { and, arrayOverlaps, asc, eq, ilike, or } from "drizzle-orm";
import { type AddMember, type ProposalDetail, proposalDocName } from "../../shared/proposals.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import { conflict, forbidden, invalidInput } from "../lib/errors.ts";
import { notify } from "../notifications/service.ts";
import { announce } from "./announce.ts";
import { type Ctx, loadFor, toDetail } from "./load.ts";
import { canReview, canSearchPeople, requireCanAssignReviewers, requireOwnerOrAdmin } from "./policy.ts";
import { proposalMembers, proposalReviewers } from "./schema.ts";

// Who works on a proposal: members (editors, viewers) and the reviewers organisers assign.

async function findUser(db: Db, userId: string) {
  const [target] = await db.select().from(users).where(eq(users.id, userId));
  if (!target || target.disabled) throw invalidInput("用户不存在");
  return target;
}

export async function addMember(ctx: Ctx, user: UserRow, id: string, input: AddMember): Promise<ProposalDetail> {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireOwnerOrAdmin(user, role);
  if (input.userId === row.ownerId) throw conflict("负责人已是项目成员");
  const target = await findUser(ctx.db, input.userId);
  await ctx.db
    .insert(proposalMembers)
    .values({ proposalId: id, userId: target.id, role: input.role })
    .onConflictDoUpdate({ target: [proposalMembers.proposalId, proposalMembers.userId], set: { role: input.role } });
  await ctx.yjs.refreshAccess(proposalDocName(id));
  await announce(ctx, id, "members");
  await notify(ctx, {
    userId: target.id,
    kind: "proposal_member",
    title: `你被加入党建创新项目「${row.title}」`,
    body: input.role === "editor" ? "你可以参与编辑" : "你可以查看和评论",
    link: `/proposals/${id}`,
  }).catch((err) => ctx.log.warn({ err }, "notify failed"));
  return toDetail(ctx.db, row, user);
}

export async function removeMember(ctx: Ctx, user: UserRow, id: string, userId: string): Promise<ProposalDetail> {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireOwnerOrAdmin(user, role);
  await ctx.db
    .delete(proposalMembers)
    .where(and(eq(proposalMembers.proposalId, id), eq(proposalMembers.userId, userId)));
  await ctx.yjs.refreshAccess(proposalDocName(id));
  await announce(ctx, id, "members");
  return toDetail(ctx.db, row, user);
}

export async function addReviewer(ctx: Ctx, user: UserRow, id: string, userId: string): Promise<ProposalDetail> {
  requireCanAssignReviewers(user);
  const { row } = await loadFor(ctx.db, user, id);
  const target = await findUser(ctx.db, userId);
  if (!canReview(target)) throw invalidInput("评审人须为社区导师、组织部人员或管理员");
  if (target.id === row.ownerId) throw conflict("负责人不能评审自己的项目");
  await ctx.db.insert(proposalReviewers).values({ proposalId: id, userId: target.id }).onConflictDoNothing();
  await ctx.yjs.refreshAccess(proposalDocName(id));
  await announce(ctx, id, "members");
  await notify(ctx, {
    userId: target.id,
    kind: "proposal_reviewer",
    title: `请评审党建创新项目「${row.title}」`,
    link: `/proposals/${id}`,
  }).catch((err) => ctx.log.warn({ err }, "notify failed"));
  return toDetail(ctx.db, row, user);
}

export async function removeReviewer(ctx: Ctx, user: UserRow, id: string, userId: string): Promise<ProposalDetail> {
  requireCanAssignReviewers(user);
  const { row } = await loadFor(ctx.db, user, id);
  await ctx.db
    .delete(proposalReviewers)
    .where(and(eq(proposalReviewers.proposalId, id), eq(proposalReviewers.userId, userId)));
  await ctx.yjs.refreshAccess(proposalDocName(id));
  await announce(ctx, id, "members");
  return toDetail(ctx.db, row, user);
}

/** People to add: any active user by name (members), or mentors and admins (reviewers). */
export async function searchPeople(ctx: Ctx, user: UserRow, q: string, reviewers: boolean) {
  if (!canSearchPeople(user)) throw forbidden();
  const filters = [eq(users.disabled, false)];
  if (q) filters.push(or(ilike(users.displayName, `%${q}%`), ilike(users.username, `%${q}%`))!);
  if (reviewers) filters.push(arrayOverlaps(users.roles, ["mentor", "organiser", "admin"]));
  const rows = await ctx.db
    .select({ id: users.id, displayName: users.displayName, role: users.role, username: users.username })
    .from(users)
    .where(and(...filters))
    .orderBy(asc(users.displayName))
    .limit(20);
  return rows;
}
