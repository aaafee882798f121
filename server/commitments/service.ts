import { and, desc, eq, inArray, lt, ne, type SQL } from "drizzle-orm";
import type { Commitment, CreateCommitment, UpdateCommitment } from "../../shared/commitments.ts";
import type { Capability } from "../../shared/enums.ts";
import { recordAudit } from "../audit/service.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { recordEvidence } from "../evidence/service.ts";
import { forumQuestions, forums, forumTalks } from "../forums/schema.ts";
import { conflict, forbidden, invalidInput, notFound } from "../lib/errors.ts";
import { notify } from "../notifications/service.ts";
import { canRecordCommitment, canUpdateCommitment } from "./policy.ts";
import { commitments } from "./schema.ts";

type Viewer = Pick<UserRow, "id" | "roles" | "streetId">;
const BOARD_LIMIT = 100;

/** Commitments with their forum and owner, shaped for one viewer. Never joins the question's asker. */
async function load(
  db: Pick<Db, "select">,
  viewer: Viewer,
  where: SQL | undefined,
  limit = 500,
): Promise<Commitment[]> {
  const rows = await db
    .select({
      c: commitments,
      forumTitle: forums.title,
      forumStartsAt: forums.startsAt,
      forumStartedAt: forums.startedAt,
      forumStreetId: forums.streetId,
      ownerName: users.displayName,
    })
    .from(commitments)
    .innerJoin(forums, eq(forums.id, commitments.forumId))
    .innerJoin(users, eq(users.id, commitments.ownerId))
    .where(where)
    .orderBy(desc(forums.startsAt), commitments.createdAt)
    .limit(limit);
  return rows.map(({ c, forumTitle, forumStartsAt, forumStartedAt, forumStreetId, ownerName }) => ({
    id: c.id,
    forumId: c.forumId,
    forumTitle,
    forumAt: (forumStartedAt ?? forumStartsAt).toISOString(),
    questionId: c.questionId,
    ownerId: c.ownerId,
    ownerName,
    content: c.content,
    dueOn: c.dueOn,
    status: c.status,
    note: c.note,
    updatedAt: c.updatedAt.toISOString(),
    canUpdate: canUpdateCommitment(viewer, c, { streetId: forumStreetId }),
  }));
}

async function findForum(db: Db, forumId: string) {
  const [forum] = await db.select().from(forums).where(eq(forums.id, forumId));
  if (!forum) throw notFound("找不到该论坛");
  return forum;
}

/**
 * The host records a promise made at 现场问政. The owner is the secretary who promised: named by
 * the host, or else the presenter of the question's talk; it must be a presenter of this forum.
 */
export async function createCommitment(
  ctx: AppContext,
  user: UserRow,
  forumId: string,
  input: CreateCommitment,
): Promise<Commitment> {
  const forum = await findForum(ctx.db, forumId);
  if (!canRecordCommitment(user, forum)) throw forbidden("只有本场主持人可以记录承诺事项");
  if (forum.status === "scheduled") throw conflict("论坛开始后才能记录承诺事项");
  const talks = await ctx.db
    .select({ id: forumTalks.id, presenterId: forumTalks.presenterId })
    .from(forumTalks)
    .where(eq(forumTalks.forumId, forumId));
  let ownerId = input.ownerId;
  if (input.questionId) {
    const [question] = await ctx.db
      .select({ talkId: forumQuestions.talkId, status: forumQuestions.status })
      .from(forumQuestions)
      .where(and(eq(forumQuestions.id, input.questionId), eq(forumQuestions.forumId, forumId)));
    if (!question) throw notFound("找不到该提问");
    if (question.status === "pending" || question.status === "dismissed")
      throw conflict("只有已公开的提问可以转为承诺事项");
    ownerId ??= talks.find((t) => t.id === question.talkId)?.presenterId;
  }
  const presenters = new Set(talks.map((t) => t.presenterId));
  if (!ownerId && presenters.size === 1) ownerId = [...presenters][0];
  if (!ownerId) throw invalidInput("请选择作出承诺的书记");
  if (!presenters.has(ownerId)) throw invalidInput("承诺人须是本场的发言人");
  const owner = ownerId;

  const id = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(commitments)
      .values({
        forumId,
        questionId: input.questionId ?? null,
        ownerId: owner,
        content: input.content,
        dueOn: input.dueOn,
        createdBy: user.id,
      })
      .returning();
    await recordAudit(tx, {
      actorId: user.id,
      action: "commitment.create",
      targetType: "commitment",
      targetId: row!.id,
      after: row,
    });
    return row!.id;
  });
  if (owner !== user.id) {
    await notify(ctx, {
      userId: owner,
      kind: "commitment",
      title: `「${forum.title}」记录了您的一项承诺`,
      body: `${input.content}（期限 ${input.dueOn}）`,
      link: "/account",
    }).catch((err) => ctx.log.error({ err }, "commitment notification failed")); // the commitment stands either way
  }
  const [created] = await load(ctx.db, user, eq(commitments.id, id), 1);
  return created!;
}

/** The commitments made at one forum (its archive). */
export function forumCommitments(db: Db, viewer: Viewer, forumId: string): Promise<Commitment[]> {
  return load(db, viewer, eq(commitments.forumId, forumId));
}

/**
 * 上次承诺事项: what this forum's presenters promised at earlier forums, newest forum first, so the
 * hall sees at the start of the next 述职 what was done.
 */
export async function previousCommitments(db: Db, viewer: Viewer, forumId: string): Promise<Commitment[]> {
  const forum = await findForum(db, forumId);
  const presenters = await db
    .select({ id: forumTalks.presenterId })
    .from(forumTalks)
    .where(eq(forumTalks.forumId, forumId));
  if (presenters.length === 0) return [];
  return load(
    db,
    viewer,
    and(
      inArray(commitments.ownerId, [...new Set(presenters.map((p) => p.id))]),
      ne(commitments.forumId, forumId),
      lt(forums.startsAt, forum.startsAt),
    ),
    BOARD_LIMIT,
  );
}

/** A person's own commitments (their account page). */
export function ownCommitments(db: Db, user: Viewer): Promise<Commitment[]> {
  return load(db, user, eq(commitments.ownerId, user.id));
}

/**
 * The owner reports progress, or an organiser over the forum's street corrects it; anyone else is
 * refused. Audited, and a kept promise becomes evidence in the owner's 成长档案 — in the same
 * transaction as the change.
 */
export async function updateCommitment(
  ctx: AppContext,
  user: UserRow,
  id: string,
  input: UpdateCommitment,
): Promise<Commitment> {
  await ctx.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ c: commitments, forumStreetId: forums.streetId, capability: forumTalks.capability })
      .from(commitments)
      .innerJoin(forums, eq(forums.id, commitments.forumId))
      .leftJoin(forumQuestions, eq(forumQuestions.id, commitments.questionId))
      .leftJoin(forumTalks, eq(forumTalks.id, forumQuestions.talkId))
      .where(eq(commitments.id, id))
      .for("update", { of: commitments });
    if (!found) throw notFound("找不到该承诺事项");
    const { c: before, forumStreetId, capability } = found;
    if (!canUpdateCommitment(user, before, { streetId: forumStreetId }))
      throw forbidden("只有承诺人本人和组织部、街道管理员可以更新承诺事项");
    const now = new Date();
    const [after] = await tx
      .update(commitments)
      .set({ status: input.status, note: input.note, updatedAt: now })
      .where(eq(commitments.id, id))
      .returning();
    await recordAudit(tx, {
      actorId: user.id,
      action: "commitment.update",
      targetType: "commitment",
      targetId: id,
      before: { status: before.status, note: before.note },
      after: { status: after!.status, note: after!.note },
    });
    if (input.status === "done") {
      // a promise to residents kept is 为民服务力 first, and the capability of the talk it was made in
      const capabilities = [...new Set<Capability>(["service", ...(capability ? [capability] : [])])];
      await recordEvidence(tx, {
        userId: before.ownerId,
        kind: "commitment_kept",
        sourceKind: "commitment",
        sourceId: id,
        at: now,
        title: before.content.slice(0, 80),
        capabilities,
      });
    }
  });
  const [updated] = await load(ctx.db, user, eq(commitments.id, id), 1);
  return updated!;
}
