import { eq } from "drizzle-orm";
import type { ProposalChange } from "../../shared/proposals.ts";
import { type AppContext, userRoom } from "../context.ts";
import { proposalMembers, proposalReviewers, proposals } from "./schema.ts";

/** Tells every open tab of the owner, members and reviewers that a part of the proposal changed. */
export async function announceChange(
  ctx: Pick<AppContext, "db" | "io">,
  proposalId: string,
  what: ProposalChange,
): Promise<void> {
  const [owner] = await ctx.db.select({ id: proposals.ownerId }).from(proposals).where(eq(proposals.id, proposalId));
  if (!owner) return;
  const members = await ctx.db
    .select({ id: proposalMembers.userId })
    .from(proposalMembers)
    .where(eq(proposalMembers.proposalId, proposalId));
  const reviewers = await ctx.db
    .select({ id: proposalReviewers.userId })
    .from(proposalReviewers)
    .where(eq(proposalReviewers.proposalId, proposalId));
  const rooms = [...new Set([owner, ...members, ...reviewers].map((u) => userRoom(u.id)))];
  ctx.io.to(rooms).emit("proposal:changed", { proposalId, what });
}

/**
 * Called by each service function right after its change is stored, so others see a submission, a
 * return or a new comment at once instead of at their next poll. Awaited, so the announcement is
 * out before the writer's response; it never fails the change: a lost announcement only delays
 * what the next poll shows.
 */
export async function announce(
  ctx: Pick<AppContext, "db" | "io" | "log">,
  proposalId: string,
  what: ProposalChange,
): Promise<void> {
  await announceChange(ctx, proposalId, what).catch((err) =>
    ctx.log.warn({ err, proposalId }, "announcing a proposal change failed"),
  );
}
