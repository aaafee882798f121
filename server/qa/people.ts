import { and, arrayOverlaps, desc, eq, sql } from "drizzle-orm";
import type { Capability } from "../../shared/enums.ts";
import type { LeaderboardEntry, VeteranProfile } from "../../shared/qa.ts";
import { users } from "../auth/schema.ts";
import type { AppContext } from "../context.ts";
import { notFound } from "../lib/errors.ts";
import { qaAnswers, qaQuestions } from "./schema.ts";

/**
 * Answers that count publicly: visible answers on visible questions, leaving out an asker's
 * answers on their own pseudonymous question (counting those would give the asker away).
 */
const publicAnswer = and(
  eq(qaAnswers.hidden, false),
  eq(qaQuestions.hidden, false),
  sql`not (${qaQuestions.anonymous} and ${qaQuestions.authorId} = ${qaAnswers.authorId})`,
);
const accepted = sql`${qaQuestions.acceptedAnswerId} = ${qaAnswers.id}`;

export async function veteranProfile(ctx: AppContext, userId: string): Promise<VeteranProfile> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound("找不到该用户");
  const perCapability = await ctx.db
    .select({
      capability: qaQuestions.capability,
      answers: sql<number>`count(*)::int`,
      accepted: sql<number>`count(*) filter (where ${accepted})::int`,
    })
    .from(qaAnswers)
    .innerJoin(qaQuestions, eq(qaQuestions.id, qaAnswers.questionId))
    .where(and(eq(qaAnswers.authorId, userId), publicAnswer))
    .groupBy(qaQuestions.capability);
  const recent = await ctx.db
    .select({
      id: qaAnswers.id,
      questionId: qaQuestions.id,
      questionTitle: qaQuestions.title,
      accepted: sql<boolean>`coalesce(${accepted}, false)`,
      createdAt: qaAnswers.createdAt,
    })
    .from(qaAnswers)
    .innerJoin(qaQuestions, eq(qaQuestions.id, qaAnswers.questionId))
    .where(and(eq(qaAnswers.authorId, userId), publicAnswer))
    .orderBy(desc(qaAnswers.createdAt))
    .limit(20);
  return {
    user: { id: user.id, displayName: user.displayName, role: user.role, level: user.level },
    answerCount: perCapability.reduce((n, c) => n + Number(c.answers), 0),
    acceptedCount: perCapability.reduce((n, c) => n + Number(c.accepted), 0),
    capabilities: perCapability
      .filter((c) => c.capability !== null)
      .map((c) => ({
        capability: c.capability as Capability,
        answers: Number(c.answers),
        accepted: Number(c.accepted),
      }))
      .sort((a, b) => b.answers - a.answers),
    recentAnswers: recent.map((r) => ({ ...r, accepted: Boolean(r.accepted), createdAt: r.createdAt.toISOString() })),
  };
}

/** People ranked by accepted answers, then by answers. */
export async function leaderboard(ctx: AppContext, limit = 20): Promise<LeaderboardEntry[]> {
  const rows = await ctx.db
    .select({
      id: users.id,
      displayName: users.displayName,
      role: users.role,
      level: users.level,
      answerCount: sql<number>`count(*)::int`,
      acceptedCount: sql<number>`count(*) filter (where ${accepted})::int`,
    })
    .from(qaAnswers)
    .innerJoin(qaQuestions, eq(qaQuestions.id, qaAnswers.questionId))
    .innerJoin(users, eq(users.id, qaAnswers.authorId))
    .where(publicAnswer)
    .groupBy(users.id, users.displayName, users.role, users.level)
    .orderBy(sql`count(*) filter (where ${accepted}) desc`, sql`count(*) desc`)
    .limit(limit);
  return rows.map((r) => ({
    user: { id: r.id, displayName: r.displayName, role: r.role, level: r.level },
    acceptedCount: Number(r.acceptedCount),
    answerCount: Number(r.answerCount),
  }));
}

/** 老书记 and mentors one can invite, with their answer counts. */
export async function listVeterans(ctx: AppContext) {
  const people = await ctx.db
    .select({ id: users.id, displayName: users.displayName, role: users.role, level: users.level })
    .from(users)
    .where(and(arrayOverlaps(users.roles, ["veteran", "mentor"]), eq(users.disabled, false)))
    .orderBy(users.displayName)
    .limit(200);
  const board = new Map((await leaderboard(ctx, 500)).map((e) => [e.user.id, e]));
  return people.map((p) => ({
    user: p,
    answerCount: board.get(p.id)?.answerCount ?? 0,
    acceptedCount: board.get(p.id)?.acceptedCount ?? 0,
  }));
}
