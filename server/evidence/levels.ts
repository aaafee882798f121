import { and, eq, inArray } from "drizzle-orm";
import type { AssessmentNote, ChangeLevel, CreateNote, LevelChangeEntry } from "../../shared/growth.ts";
import { evidenceLink } from "../../shared/evidence.ts";
import { loadPerson, factsOf } from "../accounts/people.ts";
import { recordAudit } from "../audit/service.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import { conflict, invalidInput, notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { mentorsOf } from "../studios/mentors.ts";
import { requireChangeLevel, requireWriteNote } from "./policy.ts";
import { assessmentNotes, evidence, levelChanges } from "./schema.ts";

/**
 * An organiser (or the person's street admin) moves a person between 新手, 骨干 and 中坚, giving
 * a reason and citing evidence of their record. The level, the history row and the audit entry
 * commit together.
 */
export async function changeLevel(
  ctx: AppContext,
  viewer: UserRow,
  userId: string,
  input: ChangeLevel,
): Promise<LevelChangeEntry> {
  const person = await loadPerson(ctx.db, userId);
  if (!person) throw notFound("用户不存在");
  requireChangeLevel(viewer, factsOf(person));
  await checkText(ctx, input.reason);
  const evidenceIds = [...new Set(input.evidenceIds)];
  const cited = evidenceIds.length
    ? await ctx.db
        .select({
          id: evidence.id,
          title: evidence.title,
          sourceKind: evidence.sourceKind,
          sourceId: evidence.sourceId,
          detail: evidence.detail,
        })
        .from(evidence)
        .where(and(eq(evidence.userId, userId), inArray(evidence.id, evidenceIds)))
    : [];
  if (cited.length !== evidenceIds.length) throw invalidInput("evidenceIds: 只能引用此人成长档案中的证据");

  const change = await ctx.db.transaction(async (tx) => {
    // the level read under the row lock, so two organisers changing it at once record true from→to pairs
    const [current] = await tx.select({ level: users.level }).from(users).where(eq(users.id, userId)).for("update");
    if (!current) throw notFound("用户不存在");
    if (current.level === input.level) throw conflict("此人已是该层级");
    await tx.update(users).set({ level: input.level }).where(eq(users.id, userId));
    const [row] = await tx
      .insert(levelChanges)
      .values({
        userId,
        fromLevel: current.level,
        toLevel: input.level,
        changedBy: viewer.id,
        reason: input.reason,
        evidenceIds,
      })
      .returning();
    await recordAudit(tx, {
      actorId: viewer.id,
      action: "user.level",
      targetType: "user",
      targetId: userId,
      before: { level: current.level },
      after: { level: input.level },
      meta: { reason: input.reason, evidenceIds, levelChangeId: row!.id },
    });
    return row!;
  });
  return {
    id: change.id,
    from: change.fromLevel,
    to: change.toLevel,
    changedBy: { id: viewer.id, displayName: viewer.displayName },
    at: change.at.toISOString(),
    reason: change.reason,
    evidence: cited.map((c) => ({ id: c.id, title: c.title, link: evidenceLink(c) })),
  };
}

/** A mentor, organiser or the street admin adds an assessment note to a person's record. */
export async function addNote(
  ctx: AppContext,
  viewer: UserRow,
  userId: string,
  input: CreateNote,
): Promise<AssessmentNote> {
  const person = await loadPerson(ctx.db, userId);
  if (!person) throw notFound("用户不存在");
  requireWriteNote(viewer, factsOf(person), await mentorsOf(ctx.db, userId));
  await checkText(ctx, input.body);
  const [note] = await ctx.db
    .insert(assessmentNotes)
    .values({ userId, authorId: viewer.id, body: input.body })
    .returning();
  return {
    id: note!.id,
    author: { id: viewer.id, displayName: viewer.displayName },
    body: note!.body,
    at: note!.at.toISOString(),
  };
}
