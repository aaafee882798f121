import { and, asc, eq } from "drizzle-orm";
import * as Y from "yjs";
import type { CreateComment, ProposalComment } from "../../shared/proposals.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import { invalidInput, notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { announce } from "./announce.ts";
import { type Ctx, loadFor, person, UUID } from "./load.ts";
import { requireCanResolve, requireRead } from "./policy.ts";
import { proposalComments } from "./schema.ts";

// Comments on a proposal: threads anchored to a selection of the document, replies, resolving.

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

export async function addComment(
  ctx: Ctx & Pick<AppContext, "limits">,
  user: UserRow,
  id: string,
  input: CreateComment,
): Promise<ProposalComment> {
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
    values = {
      proposalId: id,
      authorId: user.id,
      body: input.body,
      anchorStart: input.anchor.start,
      anchorEnd: input.anchor.end,
      quote: input.quote,
    };
  }
  const [c] = await ctx.db.insert(proposalComments).values(values).returning();
  await announce(ctx, id, "comments");
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

export async function resolveComment(
  ctx: Ctx,
  user: UserRow,
  id: string,
  commentId: string,
  resolved: boolean,
): Promise<void> {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  if (!UUID.test(commentId)) throw notFound("找不到该评论");
  const [c] = await ctx.db
    .select()
    .from(proposalComments)
    .where(and(eq(proposalComments.id, commentId), eq(proposalComments.proposalId, id)));
  if (!c || c.parentId) throw notFound("找不到该评论");
  requireCanResolve(user, role, c.authorId);
  await ctx.db.update(proposalComments).set({ resolved }).where(eq(proposalComments.id, commentId));
  await announce(ctx, id, "comments");
}
