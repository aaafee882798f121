import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { talkEvidence } from "../evidence/facts.ts";
import { recordEvidence } from "../evidence/service.ts";
import type { LiveForum } from "./liveForum.ts";
import { forums, forumTalks } from "./schema.ts";

/**
 * A stage change waits at most this long before its write starts, so with a write of a few ms a
 * crash loses at most the last 500 ms of page turns (docs/forums.md).
 */
export const WRITE_BEHIND_MS = 200;

/**
 * Writes the stage of live forums (current talk, highlighted question, each talk's page and
 * start/end) to the database. Only those columns are written, so REST edits of the agenda made
 * meanwhile (titles, order, weights, decks) are never overwritten.
 */
export async function writeStage(db: Db, live: LiveForum): Promise<void> {
  if (!live.forumDirty && live.dirtyTalks.size === 0) return;
  // The flags are cleared before writing, so a change that arrives while this write is in flight
  // marks the forum again and is carried by the next write.
  const forumDirty = live.forumDirty;
  const talkIds = [...live.dirtyTalks];
  live.forumDirty = false;
  live.dirtyTalks.clear();
  const { forum } = live;
  const talks = forum.talks.filter((t) => talkIds.includes(t.id));
  const writeForum = (q: Db) =>
    q
      .update(forums)
      .set({ currentTalkId: forum.currentTalkId, highlightedQuestionId: forum.highlightedQuestionId })
      .where(eq(forums.id, forum.id));
  const writeTalks = (q: Db) => {
    // one statement for all changed talks: the page and the start/end of each
    const values = sql.join(
      talks.map((t) => sql`(${t.id}::uuid, ${t.slide}::int, ${t.startedAt}::timestamptz, ${t.endedAt}::timestamptz)`),
      sql`, `,
    );
    return q.execute(sql`
      update ${forumTalks} set slide = v.slide, started_at = v.started_at, ended_at = v.ended_at
      from (values ${values}) as v(id, slide, started_at, ended_at)
      where ${forumTalks.id} = v.id and ${inArray(forumTalks.forumId, [forum.id])}`);
  };
  // A talk that ended was given: its 成长档案 evidence is written with the end. (A 群众考书记 result
  // replaces it when the round closes, see scoring.ts; an existing item is left as it is.)
  const given = talks.filter((t) => t.startedAt && t.endedAt);
  const recordGiven = (q: Db) =>
    recordEvidence(
      q,
      given.map((t) => talkEvidence(t, new Date(t.endedAt!), null)),
    );
  try {
    if (given.length) {
      await db.transaction(async (tx) => {
        if (forumDirty) await writeForum(tx);
        await writeTalks(tx);
        await recordGiven(tx);
      });
      return;
    }
    // Page turns alone are one statement, without a transaction around it: on the embedded database
    // every statement runs on the server's thread, between the pushes.
    if (forumDirty && talks.length) {
      await db.transaction(async (tx) => {
        await writeForum(tx);
        await writeTalks(tx);
      });
    } else if (forumDirty) await writeForum(db);
    else if (talks.length) await writeTalks(db);
  } catch (error) {
    // keep the change for the next attempt
    if (forumDirty) live.forumDirty = true;
    for (const id of talkIds) live.dirtyTalks.add(id);
    throw error;
  }
}
