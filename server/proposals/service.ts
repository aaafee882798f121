import { and, arrayOverlaps, asc, desc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import * as Y from "yjs";
import {
  EDITABLE_STATUSES,
  proposalDocName,
  REVIEW_CRITERIA,
  type AddMember,
  type CreateComment,
  type CreateProposal,
  type ListProposalsQuery,
  type PersonRef,
  type Proposal,
  type ProposalComment,
  type ProposalDetail,
  type ProposalRole,
  type ProposalStatus,
  type ProposalReview,
  type ProposalVersion,
  type ReviewAggregate,
  type ReviewScores,
  type SubmitReview,
} from "../../shared/proposals.ts";
import { isOrganiser } from "../auth/policy.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { proposalApprovedEvidence, proposalSubmittedEvidence } from "../evidence/facts.ts";
import { recordEvidence } from "../evidence/service.ts";
import { conflict, forbidden, invalidInput, notFound, readOnly } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { notify } from "../notifications/service.ts";
import { communities } from "../org/schema.ts";
import { appendUpdates } from "../yjs/persistence.ts";
import { docFromUpdates, docToJson, replaceContent, templateUpdate } from "./document.ts";
import {
  canEditDoc,
  requireCanCreate,
  requireEditable,
  requireOwnerOrAdmin,
  requireRead,
  requireReviewerOrAdmin,
  requireWriter,
  roleOf,
  canReview,
  canSearchPeople,
} from "./policy.ts";
import { proposalComments, proposalMembers, proposalReviewers, proposalReviews, proposalVersions, proposals } from "./schema.ts";

type ProposalRow = typeof proposals.$inferSelect;
type Ctx = Pick<AppContext, "db" | "yjs" | "io" | "log" | "words">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const person = (u: { id: string; displayName: string; role: string }): PersonRef => ({ id: u.id, displayName: u.displayName, role: u.role });

export interface Loaded {
  row: ProposalRow;
  role: ProposalRole | null;
}

/** The proposal and the user's role on it; 404 for an unknown id. */
export async function loadFor(db: Db, user: Pick<UserRow, "id" | "roles">, id: string): Promise<Loaded> {
  if (!UUID.test(id)) throw notFound("找不到该项目");
  const [row] = await db.select().from(proposals).where(eq(proposals.id, id));
  if (!row) throw notFound("找不到该项目");
  const [member] = await db
    .select({ role: proposalMembers.role })
    .from(proposalMembers)
    .where(and(eq(proposalMembers.proposalId, id), eq(proposalMembers.userId, user.id)));
  const [reviewer] = await db
    .select({ userId: proposalReviewers.userId })
    .from(proposalReviewers)
    .where(and(eq(proposalReviewers.proposalId, id), eq(proposalReviewers.userId, user.id)));
  const role = roleOf(user, { ownerId: row.ownerId, status: row.status, memberRole: member?.role ?? null, isReviewer: !!reviewer });
  return { row, role };
}

async function toProposals(db: Db, rows: ProposalRow[], user: Pick<UserRow, "id" | "roles">): Promise<Proposal[]> {
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

// ---------------------------------------------------------------------------------------------
// Proposals

export async function createProposal(ctx: Ctx, user: UserRow, input: CreateProposal): Promise<ProposalDetail> {
  requireCanCreate(user, input.communityId);
  await checkText(ctx, input.title);
  const [community] = await ctx.db.select({ id: communities.id }).from(communities).where(eq(communities.id, input.communityId));
  if (!community) throw invalidInput("社区不存在");
  // The row and the document's first update (the template) commit together.
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx.insert(proposals).values({ title: input.title, communityId: input.communityId, ownerId: user.id }).returning();
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
  await ctx.db.delete(proposalMembers).where(and(eq(proposalMembers.proposalId, id), eq(proposalMembers.userId, userId)));
  await ctx.yjs.refreshAccess(proposalDocName(id));
  return toDetail(ctx.db, row, user);
}

export async function addReviewer(ctx: Ctx, user: UserRow, id: string, userId: string): Promise<ProposalDetail> {
  if (!isOrganiser(user)) throw forbidden("只有组织部或管理员可以指派评审人");
  const { row } = await loadFor(ctx.db, user, id);
  const target = await findUser(ctx.db, userId);
  if (!canReview(target)) throw invalidInput("评审人须为社区导师、组织部人员或管理员");
  if (target.id === row.ownerId) throw conflict("负责人不能评审自己的项目");
  await ctx.db.insert(proposalReviewers).values({ proposalId: id, userId: target.id }).onConflictDoNothing();
  await ctx.yjs.refreshAccess(proposalDocName(id));
  await notify(ctx, {
    userId: target.id,
    kind: "proposal_reviewer",
    title: `请评审党建创新项目「${row.title}」`,
    link: `/proposals/${id}`,
  }).catch((err) => ctx.log.warn({ err }, "notify failed"));
  return toDetail(ctx.db, row, user);
}

export async function removeReviewer(ctx: Ctx, user: UserRow, id: string, userId: string): Promise<ProposalDetail> {
  if (!isOrganiser(user)) throw forbidden("只有组织部或管理员可以指派评审人");
  const { row } = await loadFor(ctx.db, user, id);
  await ctx.db.delete(proposalReviewers).where(and(eq(proposalReviewers.proposalId, id), eq(proposalReviewers.userId, userId)));
  await ctx.yjs.refreshAccess(proposalDocName(id));
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

// ---------------------------------------------------------------------------------------------
// Status

async function setStatus(
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
  return updated;
}

async function snapshot(ctx: Ctx, id: string, name: string, userId: string, round: number | null) {
  const state = await ctx.yjs.encodeState(proposalDocName(id));
  const [version] = await ctx.db.insert(proposalVersions).values({ proposalId: id, name, round, createdBy: userId, snapshot: state }).returning();
  return version!;
}

async function notifyMany(ctx: Ctx, userIds: string[], input: { kind: string; title: string; body?: string; link: string }) {
  for (const userId of new Set(userIds)) await notify(ctx, { userId, ...input }).catch((err) => ctx.log.warn({ err }, "notify failed"));
}

export async function submitProposal(ctx: Ctx, user: UserRow, id: string): Promise<ProposalDetail> {
  const { row, role } = await loadFor(ctx.db, user, id);
  if (role !== "owner") throw forbidden("只有项目负责人可以提交");
  if (!EDITABLE_STATUSES.includes(row.status)) throw conflict("项目已提交");
  const updated = await setStatus(ctx, id, ["draft", "returned"], "submitted", true, async (tx, changed) =>
    recordEvidence(tx, proposalSubmittedEvidence(changed, await writers(tx, changed), changed.updatedAt)),
  );
  await snapshot(ctx, id, `第${updated.round}轮 提交`, user.id, updated.round);
  const reviewers = await ctx.db.select().from(proposalReviewers).where(eq(proposalReviewers.proposalId, id));
  await notifyMany(ctx, reviewers.map((r) => r.userId), {
    kind: "proposal_submitted",
    title: `党建创新项目「${row.title}」已提交第${updated.round}轮，请评审`,
    link: `/proposals/${id}`,
  });
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
  if (!isOrganiser(user)) throw forbidden("只有组织部或管理员可以通过项目");
  const { row } = await loadFor(ctx.db, user, id);
  const updated = await setStatus(ctx, id, ["submitted", "in_review"], "approved", false, async (tx, changed) =>
    recordEvidence(
      tx,
      proposalApprovedEvidence(changed, await writers(tx, changed), changed.updatedAt, await roundReview(tx, changed.id, changed.round)),
    ),
  );
  await notifyMany(ctx, await writers(ctx.db, row), {
    kind: "proposal_approved",
    title: `党建创新项目「${row.title}」已通过评审`,
    link: `/proposals/${id}`,
  });
  return toDetail(ctx.db, updated, user);
}

// ---------------------------------------------------------------------------------------------
// Versions

function toVersion(v: typeof proposalVersions.$inferSelect, author: { id: string; displayName: string; role: string }): ProposalVersion {
  return {
    id: v.id,
    name: v.name,
    round: v.round,
    createdBy: person(author),
    createdAt: v.createdAt.toISOString(),
    bytes: v.snapshot.byteLength,
  };
}

export async function listVersions(ctx: Ctx, user: UserRow, id: string): Promise<ProposalVersion[]> {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  const rows = await ctx.db
    .select({ v: proposalVersions, u: { id: users.id, displayName: users.displayName, role: users.role } })
    .from(proposalVersions)
    .innerJoin(users, eq(users.id, proposalVersions.createdBy))
    .where(eq(proposalVersions.proposalId, id))
    .orderBy(desc(proposalVersions.createdAt));
  return rows.map((r) => toVersion(r.v, r.u));
}

export async function saveVersion(ctx: Ctx, user: UserRow, id: string, name: string): Promise<ProposalVersion> {
  const { role } = await loadFor(ctx.db, user, id);
  requireWriter(role);
  await checkText(ctx, name);
  const version = await snapshot(ctx, id, name, user.id, null);
  return toVersion(version, user);
}

async function loadVersion(ctx: Ctx, id: string, versionId: string) {
  if (!UUID.test(versionId)) throw notFound("找不到该版本");
  const [version] = await ctx.db
    .select()
    .from(proposalVersions)
    .where(and(eq(proposalVersions.id, versionId), eq(proposalVersions.proposalId, id)));
  if (!version) throw notFound("找不到该版本");
  return version;
}

/** The content of a version as ProseMirror JSON (viewed read-only in the browser). */
export async function versionContent(ctx: Ctx, user: UserRow, id: string, versionId: string) {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  const version = await loadVersion(ctx, id, versionId);
  const doc = docFromUpdates([version.snapshot]);
  try {
    return docToJson(doc);
  } finally {
    doc.destroy();
  }
}

/** Restores a version as a new change on top of the current document; nothing is overwritten. */
export async function restoreVersion(ctx: Ctx, user: UserRow, id: string, versionId: string): Promise<ProposalVersion> {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireEditable(role, row.status);
  const version = await loadVersion(ctx, id, versionId);
  const source = docFromUpdates([version.snapshot]);
  try {
    await ctx.yjs.applyServerChange(proposalDocName(id), (doc) => replaceContent(doc, source));
  } finally {
    source.destroy();
  }
  await ctx.db.update(proposals).set({ updatedAt: new Date() }).where(eq(proposals.id, id));
  const [author] = await ctx.db.select().from(users).where(eq(users.id, version.createdBy));
  return toVersion(version, author!);
}

/** The current document (or a version) as ProseMirror JSON, for export. */
export async function contentFor(ctx: Ctx, user: UserRow, id: string, versionId?: string) {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  const state = versionId ? (await loadVersion(ctx, id, versionId)).snapshot : await ctx.yjs.encodeState(proposalDocName(id));
  const doc = docFromUpdates([state]);
  try {
    return { title: row.title, content: docToJson(doc) };
  } finally {
    doc.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Comments

export async function listComments(ctx: Ctx, user: UserRow, id: string): Promise<ProposalComment[]> {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  const rows = await ctx.db
    .select({ c: proposalComments, u: { id: users.id, displayName: users.displayName, role: users.role } })
    .from(proposalComments)
    .innerJoin(users, eq(users.id, proposalComments.authorId))
    .where(eq(proposalComments.proposalId, id))
    .orderBy(asc(proposalComments.createdAt));
  return rows.map(({ c, u }) => ({
    id: c.id,
    parentId: c.parentId,
    author: person(u),
    body: c.body,
    anchor: c.anchorStart && c.anchorEnd ? { start: c.anchorStart, end: c.anchorEnd } : null,
    quote: c.quote,
    resolved: c.resolved,
    createdAt: c.createdAt.toISOString(),
  }));
}

function checkAnchor(base64: string): void {
  try {
    Y.decodeRelativePosition(Buffer.from(base64, "base64"));
  } catch {
    throw invalidInput("锚点格式不正确");
  }
}

export async function addComment(ctx: Ctx & Pick<AppContext, "limits">, user: UserRow, id: string, input: CreateComment): Promise<ProposalComment> {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  await ctx.limits.posting.consume(user.id);
  await checkText(ctx, input.body);
  let values: typeof proposalComments.$inferInsert;
  if ("parentId" in input) {
    const [parent] = await ctx.db
      .select()
      .from(proposalComments)
      .where(and(eq(proposalComments.id, input.parentId), eq(proposalComments.proposalId, id)));
    if (!parent || parent.parentId) throw notFound("找不到该评论");
    values = { proposalId: id, parentId: parent.id, authorId: user.id, body: input.body };
  } else {
    checkAnchor(input.anchor.start);
    checkAnchor(input.anchor.end);
    values = { proposalId: id, authorId: user.id, body: input.body, anchorStart: input.anchor.start, anchorEnd: input.anchor.end, quote: input.quote };
  }
  const [c] = await ctx.db.insert(proposalComments).values(values).returning();
  return {
    id: c!.id,
    parentId: c!.parentId,
    author: person(user),
    body: c!.body,
    anchor: c!.anchorStart && c!.anchorEnd ? { start: c!.anchorStart, end: c!.anchorEnd } : null,
    quote: c!.quote,
    resolved: c!.resolved,
    createdAt: c!.createdAt.toISOString(),
  };
}

export async function resolveComment(ctx: Ctx, user: UserRow, id: string, commentId: string, resolved: boolean): Promise<void> {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  if (!UUID.test(commentId)) throw notFound("找不到该评论");
  const [c] = await ctx.db
    .select()
    .from(proposalComments)
    .where(and(eq(proposalComments.id, commentId), eq(proposalComments.proposalId, id)));
  if (!c || c.parentId) throw notFound("找不到该评论");
  if (c.authorId !== user.id && role !== "owner" && role !== "editor" && !isOrganiser(user)) {
    throw forbidden("只有评论人、项目负责人或编辑可以标记解决");
  }
  await ctx.db.update(proposalComments).set({ resolved }).where(eq(proposalComments.id, commentId));
}

// ---------------------------------------------------------------------------------------------
// Reviews (评比)

const totalOf = (s: ReviewScores) => REVIEW_CRITERIA.reduce((sum, k) => sum + s[k], 0);

/** The mean review total of one submission round, or null when nobody scored it. */
async function roundReview(db: Db, id: string, round: number): Promise<{ meanTotal: number; reviews: number } | null> {
  const rows = await db
    .select({ scores: proposalReviews.scores })
    .from(proposalReviews)
    .where(and(eq(proposalReviews.proposalId, id), eq(proposalReviews.round, round)));
  if (rows.length === 0) return null;
  const meanTotal = rows.reduce((sum, r) => sum + totalOf(r.scores), 0) / rows.length;
  return { meanTotal: Math.round(meanTotal * 100) / 100, reviews: rows.length };
}

export async function submitReview(ctx: Ctx, user: UserRow, id: string, input: SubmitReview): Promise<ProposalReview> {
  const { row, role } = await loadFor(ctx.db, user, id);
  if (role !== "reviewer") throw forbidden("只有指派的评审人可以评分");
  if (row.status !== "submitted" && row.status !== "in_review") throw readOnly("只能为已提交的项目评分");
  if (input.comment) await checkText(ctx, input.comment);
  const [review] = await ctx.db
    .insert(proposalReviews)
    .values({ proposalId: id, round: row.round, reviewerId: user.id, scores: input.scores, comment: input.comment })
    .onConflictDoUpdate({
      target: [proposalReviews.proposalId, proposalReviews.round, proposalReviews.reviewerId],
      set: { scores: input.scores, comment: input.comment, updatedAt: new Date() },
    })
    .returning();
  // The first score opens the review.
  if (row.status === "submitted") await setStatus(ctx, id, ["submitted"], "in_review").catch(() => {});
  return {
    id: review!.id,
    round: review!.round,
    reviewer: person(user),
    scores: review!.scores,
    comment: review!.comment,
    total: totalOf(review!.scores),
    createdAt: review!.createdAt.toISOString(),
  };
}

/** Owner, editors, viewers and admins see every review and the aggregate; a reviewer sees their own. */
export async function listReviews(ctx: Ctx, user: UserRow, id: string): Promise<{ reviews: ProposalReview[]; aggregates: ReviewAggregate[] }> {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  const rows = await ctx.db
    .select({ r: proposalReviews, u: { id: users.id, displayName: users.displayName, role: users.role } })
    .from(proposalReviews)
    .innerJoin(users, eq(users.id, proposalReviews.reviewerId))
    .where(eq(proposalReviews.proposalId, id))
    .orderBy(desc(proposalReviews.round), asc(proposalReviews.createdAt));
  const all = rows.map(({ r, u }) => ({
    id: r.id,
    round: r.round,
    reviewer: person(u),
    scores: r.scores,
    comment: r.comment,
    total: totalOf(r.scores),
    createdAt: r.createdAt.toISOString(),
  }));
  const rounds = [...new Set(all.map((r) => r.round))];
  const aggregates = rounds.map((round) => {
    const inRound = all.filter((r) => r.round === round);
    const mean = (f: (r: ProposalReview) => number) => Math.round((inRound.reduce((s, r) => s + f(r), 0) / inRound.length) * 100) / 100;
    const means = Object.fromEntries(REVIEW_CRITERIA.map((k) => [k, mean((r) => r.scores[k])])) as ReviewScores;
    return { round, count: inRound.length, means, meanTotal: mean((r) => r.total) };
  });
  const reviews = role === "reviewer" ? all.filter((r) => r.reviewer.id === user.id) : all;
  return role === "reviewer" ? { reviews, aggregates: [] } : { reviews, aggregates };
}
