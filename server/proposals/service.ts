import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import {
  EDITABLE_STATUSES,
  proposalDocName,
  reviewTotal,
  type CreateProposal,
  type ListProposalsQuery,
  type Proposal,
  type ProposalDetail,
  type ProposalStatus,
} from "../../shared/proposals.ts";
import { isOrganiser } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import { proposalApprovedEvidence, proposalSubmittedEvidence } from "../evidence/facts.ts";
import { recordEvidence } from "../evidence/service.ts";
import { conflict, invalidInput } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { notify } from "../notifications/service.ts";
import { communities } from "../org/schema.ts";
import { appendUpdates } from "../yjs/persistence.ts";
import { announce } from "./announce.ts";
import { templateUpdate } from "./document.ts";
import { type Ctx, loadFor, type ProposalRow, toDetail, toProposals } from "./load.ts";
import { requireCanApprove, requireCanCreate, requireOwner, requireRead, requireReviewerOrAdmin } from "./policy.ts";
import { proposalMembers, proposalReviewers, proposalReviews, proposals } from "./schema.ts";
import { snapshot } from "./versions.ts";

// Proposals themselves: create, list, read, and the status a proposal moves through
// (draft → submitted → in_review → approved, or back to returned). Members, versions, comments and
// reviews each have their own file.

export async function createProposal(ctx: Ctx, user: UserRow, input: CreateProposal): Promise<ProposalDetail> {
  requireCanCreate(user, input.communityId);
  await checkText(ctx, input.title);
  const [community] = await ctx.db
    .select({ id: communities.id })
    .from(communities)
    .where(eq(communities.id, input.communityId));
  if (!community) throw invalidInput("社区不存在");
  // The row and the document's first update (the template) commit together.
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(proposals)
      .values({ title: input.title, communityId: input.communityId, ownerId: user.id })
      .returning();
    await appendUpdates(tx as unknown as Db, proposalDocName(created!.id), [templateUpdate(input.title)]);
    return created!;
  });
  return toDetail(ctx.db, row, user);
}

export async function listProposals(ctx: Ctx, user: UserRow, query: ListProposalsQuery): Promise<Proposal[]> {
  const filters = [];
  if (query.communityId) filters.push(eq(proposals.communityId, query.communityId));
  if (query.status) filters.push(eq(proposals.status, query.status));
  if (!isOrganiser(user)) {
    filters.push(
      or(
        eq(proposals.ownerId, user.id),
        sql`exists (select 1 from proposal_members m where m.proposal_id = ${proposals.id} and m.user_id = ${user.id})`,
        sql`exists (select 1 from proposal_reviewers r where r.proposal_id = ${proposals.id} and r.user_id = ${user.id})`,
      ),
    );
  }
  const rows = await ctx.db
    .select()
    .from(proposals)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(proposals.updatedAt))
    .limit(200);
  return toProposals(ctx.db, rows, user);
}

export async function getProposal(ctx: Ctx, user: UserRow, id: string): Promise<ProposalDetail> {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  return toDetail(ctx.db, row, user);
}

// ---------------------------------------------------------------------------------------------
// Status

export async function setStatus(
  ctx: Ctx,
  id: string,
  from: ProposalStatus[],
  to: ProposalStatus,
  bumpRound = false,
  /** more writes that belong with the change (its 成长档案 evidence), in its transaction */
  alongside?: (tx: Db, updated: ProposalRow) => Promise<void>,
): Promise<ProposalRow> {
  const updated = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(proposals)
      .set({ status: to, updatedAt: new Date(), ...(bumpRound ? { round: sql`${proposals.round} + 1` } : {}) })
      .where(and(eq(proposals.id, id), inArray(proposals.status, from)))
      .returning();
    if (!row) throw conflict("项目状态已变化，请刷新");
    await alongside?.(tx, row);
    return row;
  });
  // Lock or unlock every open editor at once.
  await ctx.yjs.refreshAccess(proposalDocName(id));
  await announce(ctx, id, "status");
  return updated;
}

async function notifyMany(
  ctx: Ctx,
  userIds: string[],
  input: { kind: string; title: string; body?: string; link: string },
) {
  for (const userId of new Set(userIds))
    await notify(ctx, { userId, ...input }).catch((err) => ctx.log.warn({ err }, "notify failed"));
}

export async function submitProposal(ctx: Ctx, user: UserRow, id: string): Promise<ProposalDetail> {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireOwner(role);
  if (!EDITABLE_STATUSES.includes(row.status)) throw conflict("项目已提交");
  const updated = await setStatus(ctx, id, ["draft", "returned"], "submitted", true, async (tx, changed) =>
    recordEvidence(tx, proposalSubmittedEvidence(changed, await writers(tx, changed), changed.updatedAt)),
  );
  await snapshot(ctx, id, `第${updated.round}轮 提交`, user.id, updated.round);
  const reviewers = await ctx.db.select().from(proposalReviewers).where(eq(proposalReviewers.proposalId, id));
  await notifyMany(
    ctx,
    reviewers.map((r) => r.userId),
    {
      kind: "proposal_submitted",
      title: `党建创新项目「${row.title}」已提交第${updated.round}轮，请评审`,
      link: `/proposals/${id}`,
    },
  );
  return toDetail(ctx.db, updated, user);
}

async function writers(db: Db, row: ProposalRow): Promise<string[]> {
  const editors = await db
    .select({ userId: proposalMembers.userId })
    .from(proposalMembers)
    .where(and(eq(proposalMembers.proposalId, row.id), eq(proposalMembers.role, "editor")));
  return [row.ownerId, ...editors.map((e) => e.userId)];
}

export async function startReview(ctx: Ctx, user: UserRow, id: string): Promise<ProposalDetail> {
  const { role } = await loadFor(ctx.db, user, id);
  requireReviewerOrAdmin(user, role);
  const updated = await setStatus(ctx, id, ["submitted"], "in_review");
  return toDetail(ctx.db, updated, user);
}

export async function returnProposal(ctx: Ctx, user: UserRow, id: string, reason?: string): Promise<ProposalDetail> {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireReviewerOrAdmin(user, role);
  if (reason) await checkText(ctx, reason);
  const updated = await setStatus(ctx, id, ["submitted", "in_review"], "returned");
  await notifyMany(ctx, await writers(ctx.db, row), {
    kind: "proposal_returned",
    title: `党建创新项目「${row.title}」已退回修改`,
    body: reason,
    link: `/proposals/${id}`,
  });
  return toDetail(ctx.db, updated, user);
}

export async function approveProposal(ctx: Ctx, user: UserRow, id: string): Promise<ProposalDetail> {
  requireCanApprove(user);
  const { row } = await loadFor(ctx.db, user, id);
  const updated = await setStatus(ctx, id, ["submitted", "in_review"], "approved", false, async (tx, changed) =>
    recordEvidence(
      tx,
      proposalApprovedEvidence(
        changed,
        await writers(tx, changed),
        changed.updatedAt,
        await roundReview(tx, changed.id, changed.round),
      ),
    ),
  );
  await notifyMany(ctx, await writers(ctx.db, row), {
    kind: "proposal_approved",
    title: `党建创新项目「${row.title}」已通过评审`,
    link: `/proposals/${id}`,
  });
  return toDetail(ctx.db, updated, user);
}

/** The mean review total of one submission round, or null when nobody scored it. */
async function roundReview(db: Db, id: string, round: number): Promise<{ meanTotal: number; reviews: number } | null> {
  const rows = await db
    .select({ scores: proposalReviews.scores })
    .from(proposalReviews)
    .where(and(eq(proposalReviews.proposalId, id), eq(proposalReviews.round, round)));
  if (rows.length === 0) return null;
  const meanTotal = rows.reduce((sum, r) => sum + reviewTotal(r.scores), 0) / rows.length;
  return { meanTotal: Math.round(meanTotal * 100) / 100, reviews: rows.length };
}
