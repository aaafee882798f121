import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { QaAuditEntry, QaReport } from "../../shared/qa.ts";
import { users } from "../auth/schema.ts";
import type { AppContext } from "../context.ts";
import { conflict } from "../lib/errors.ts";
import { assertModerator, type Viewer } from "./policy.ts";
import { qaAnswers, qaAudit, qaQuestions, qaReports } from "./schema.ts";
import { findQuestion } from "./reads.ts";
import { findAnswer, reindexQuestion } from "./service.ts";
import { excerpt } from "./search.ts";

/**
 * Reports by anyone, hide/restore by admins, and the audit trail of both. Hiding keeps the post
 * (its author and admins still see it, with the reason); restoring makes it public again.
 */

type Target = { type: "question" | "answer"; id: string };

async function resolveTarget(ctx: AppContext, viewer: Viewer, target: Target) {
  if (target.type === "question") {
    const q = await findQuestion(ctx.db, viewer, target.id);
    return { questionId: q.id, hidden: q.hidden, text: `${q.title} ${q.body}` };
  }
  const { row } = await findAnswer(ctx.db, viewer, target.id);
  return { questionId: row.questionId, hidden: row.hidden, text: row.body };
}

export async function reportPost(ctx: AppContext, viewer: Viewer, target: Target, reason: string) {
  const { questionId } = await resolveTarget(ctx, viewer, target);
  await ctx.limits.posting.consume(viewer.id);
  const inserted = await ctx.db
    .insert(qaReports)
    .values({ targetType: target.type, targetId: target.id, questionId, reporterId: viewer.id, reason })
    .onConflictDoNothing()
    .returning({ id: qaReports.id });
  if (inserted.length > 0) {
    await ctx.db
      .insert(qaAudit)
      .values({ actorId: viewer.id, action: "report", targetType: target.type, targetId: target.id, reason });
  }
  return { reported: true };
}

export async function setHidden(ctx: AppContext, viewer: Viewer, target: Target, hidden: boolean, reason: string) {
  assertModerator(viewer);
  const current = await resolveTarget(ctx, viewer, target);
  if (current.hidden === hidden) throw conflict(hidden ? "该内容已隐藏" : "该内容未被隐藏");
  await ctx.db.transaction(async (tx) => {
    const patch = { hidden, hiddenReason: hidden ? reason : null };
    if (target.type === "question") await tx.update(qaQuestions).set(patch).where(eq(qaQuestions.id, target.id));
    else await tx.update(qaAnswers).set(patch).where(eq(qaAnswers.id, target.id));
    await tx
      .update(qaReports)
      .set({ resolvedAt: new Date() })
      .where(and(eq(qaReports.targetId, target.id), isNull(qaReports.resolvedAt)));
    await tx.insert(qaAudit).values({
      actorId: viewer.id,
      action: hidden ? "hide" : "restore",
      targetType: target.type,
      targetId: target.id,
      reason,
    });
  });
  // a hidden answer leaves the search index and the answer count
  if (target.type === "answer") await reindexQuestion(ctx.db, current.questionId);
  return { hidden };
}

export async function listReports(ctx: AppContext, viewer: Viewer): Promise<QaReport[]> {
  assertModerator(viewer);
  const rows = await ctx.db
    .select({ report: qaReports, reporterName: users.displayName })
    .from(qaReports)
    .innerJoin(users, eq(users.id, qaReports.reporterId))
    .where(isNull(qaReports.resolvedAt))
    .orderBy(desc(qaReports.createdAt))
    .limit(200);
  const questionIds = rows.filter((r) => r.report.targetType === "question").map((r) => r.report.targetId);
  const answerIds = rows.filter((r) => r.report.targetType === "answer").map((r) => r.report.targetId);
  const questions = questionIds.length
    ? await ctx.db
        .select({
          id: qaQuestions.id,
          text: sql<string>`${qaQuestions.title} || ' ' || ${qaQuestions.body}`,
          hidden: qaQuestions.hidden,
        })
        .from(qaQuestions)
        .where(inArray(qaQuestions.id, questionIds))
    : [];
  const answers = answerIds.length
    ? await ctx.db
        .select({ id: qaAnswers.id, text: qaAnswers.body, hidden: qaAnswers.hidden })
        .from(qaAnswers)
        .where(inArray(qaAnswers.id, answerIds))
    : [];
  const targets = new Map([...questions, ...answers].map((t) => [t.id, t]));
  return rows.map(({ report, reporterName }) => ({
    id: report.id,
    targetType: report.targetType,
    targetId: report.targetId,
    questionId: report.questionId,
    reason: report.reason,
    reporter: { id: report.reporterId, displayName: reporterName },
    excerpt: excerpt(targets.get(report.targetId)?.text ?? "", [], 80),
    hidden: targets.get(report.targetId)?.hidden ?? false,
    createdAt: report.createdAt.toISOString(),
  }));
}

export async function listAudit(ctx: AppContext, viewer: Viewer, targetId?: string): Promise<QaAuditEntry[]> {
  assertModerator(viewer);
  const rows = await ctx.db
    .select({ entry: qaAudit, actorName: users.displayName })
    .from(qaAudit)
    .innerJoin(users, eq(users.id, qaAudit.actorId))
    .where(targetId ? eq(qaAudit.targetId, targetId) : undefined)
    .orderBy(desc(qaAudit.createdAt))
    .limit(200);
  return rows.map(({ entry, actorName }) => ({
    id: entry.id,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    reason: entry.reason,
    actor: { id: entry.actorId, displayName: actorName },
    createdAt: entry.createdAt.toISOString(),
  }));
}
