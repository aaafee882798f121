import { eq } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { ProposalChange } from "../../shared/proposals.ts";
import { type AppContext, userRoom } from "../context.ts";
import type { ApiEnv } from "../http/env.ts";
import { proposalMembers, proposalReviewers, proposals } from "./schema.ts";

/** Which part of a proposal a successful write under /proposals/:id/<segment> changed. */
const CHANGED_BY_SEGMENT: Record<string, ProposalChange> = {
  members: "members",
  reviewers: "members",
  submit: "status",
  "start-review": "status",
  return: "status",
  approve: "status",
  versions: "versions",
  comments: "comments",
  reviews: "reviews",
};

/** Tells every open tab of the owner, members and reviewers that a part of the proposal changed. */
export async function announceChange(ctx: Pick<AppContext, "db" | "io">, proposalId: string, what: ProposalChange): Promise<void> {
  const [owner] = await ctx.db.select({ id: proposals.ownerId }).from(proposals).where(eq(proposals.id, proposalId));
  if (!owner) return;
  const members = await ctx.db.select({ id: proposalMembers.userId }).from(proposalMembers).where(eq(proposalMembers.proposalId, proposalId));
  const reviewers = await ctx.db.select({ id: proposalReviewers.userId }).from(proposalReviewers).where(eq(proposalReviewers.proposalId, proposalId));
  const rooms = [...new Set([owner, ...members, ...reviewers].map((u) => userRoom(u.id)))];
  ctx.io.to(rooms).emit("proposal:changed", { proposalId, what });
}

/**
 * After a successful write to a proposal, announce it, so others see a submission, a return or a
 * new comment at once instead of at their next poll. Runs after the response is built, so a failed
 * announcement never fails the write.
 */
export function announceWrites(ctx: AppContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === "GET" || c.res.status >= 300) return;
    const [, , id, segment] = new URL(c.req.url).pathname.split("/").slice(1);
    const what = segment ? CHANGED_BY_SEGMENT[segment] : undefined;
    if (!id || !what) return;
    await announceChange(ctx, id, what).catch((err) => ctx.log.warn({ err, proposalId: id }, "announcing a proposal change failed"));
  };
}
