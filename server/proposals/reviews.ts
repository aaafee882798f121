import { asc, desc, eq } from "drizzle-orm";
import {
  REVIEW_CRITERIA,
  reviewTotal,
  type ProposalReview,
  type ReviewAggregate,
  type ReviewScores,
  type SubmitReview,
} from "../../shared/proposals.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import { readOnly } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { announce } from "./announce.ts";
import { type Ctx, loadFor, person } from "./load.ts";
import { requireRead, requireReviewer } from "./policy.ts";
import { proposalReviews } from "./schema.ts";
import { setStatus } from "./service.ts";

// 评比: reviewers score a submitted round; members and organisers see each round's aggregate.

export async function submitReview(ctx: Ctx, user: UserRow, id: string, input: SubmitReview): Promise<ProposalReview> {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireReviewer(role);
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
  await announce(ctx, id, "reviews");
  return {
    id: review!.id,
    round: review!.round,
    reviewer: person(user),
    scores: review!.scores,
    comment: review!.comment,
    total: reviewTotal(review!.scores),
    createdAt: review!.createdAt.toISOString(),
  };
}

/** Owner, editors, viewers and admins see every review and the aggregate; a reviewer sees their own. */
export async function listReviews(
  ctx: Ctx,
  user: UserRow,
  id: string,
): Promise<{ reviews: ProposalReview[]; aggregates: ReviewAggregate[] }> {
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
    total: reviewTotal(r.scores),
    createdAt: r.createdAt.toISOString(),
  }));
  const rounds = [...new Set(all.map((r) => r.round))];
  const aggregates = rounds.map((round) => {
    const inRound = all.filter((r) => r.round === round);
    const mean = (f: (r: ProposalReview) => number) =>
      Math.round((inRound.reduce((s, r) => s + f(r), 0) / inRound.length) * 100) / 100;
    const means = Object.fromEntries(REVIEW_CRITERIA.map((k) => [k, mean((r) => r.scores[k])])) as ReviewScores;
    return { round, count: inRound.length, means, meanTotal: mean((r) => r.total) };
  });
  const reviews = role === "reviewer" ? all.filter((r) => r.reviewer.id === user.id) : all;
  return role === "reviewer" ? { reviews, aggregates: [] } : { reviews, aggregates };
}
