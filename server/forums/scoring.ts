import { and, asc, eq, inArray } from "drizzle-orm";
import type { BallotScores, Forum, ForumRound, ForumScore, Scoreboard } from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { talkEvidence } from "../evidence/facts.ts";
import { recordEvidence, withdrawEvidence } from "../evidence/service.ts";
import { conflict, forbidden, invalidInput, notFound } from "../lib/errors.ts";
import type { Coalescer } from "./coalesce.ts";
import { hasRole } from "../auth/policy.ts";
import type { Ballot, LiveForum } from "./liveForum.ts";
import { ballotMechanism, requireHost, scoreGroupOf } from "./policy.ts";
import { forumBallots, forumTalks } from "./schema.ts";
import { computeScoreboard } from "./scoreboard.ts";
import { forumRoom } from "./service.ts";

const SCOREBOARD_PUSH_MS = 200;

const requireExamination = (live: LiveForum) => {
  if (live.forum.mode !== "examination") throw invalidInput("只有群众考书记模式可以评分");
};

/**
 * 群众考书记 scoring: rounds per talk, one changeable ballot per person, the live and the frozen
 * scoreboard. Runs on the forum's owner. Ballots and round changes are committed before they are
 * acknowledged; the live board is tallied from the ballots held in memory.
 */
export class ForumScoring {
  constructor(
    private readonly ctx: AppContext,
    private readonly pushes: Coalescer,
    private readonly stillLive: (live: LiveForum) => boolean,
  ) {}

  private get db(): Db {
    return this.ctx.db;
  }

  async round(user: UserRow, live: LiveForum, input: ForumRound): Promise<Scoreboard> {
    requireHost(user, live.forum);
    requireExamination(live);
    if (live.forum.status !== "live") throw conflict(live.forum.status === "ended" ? "论坛已结束" : "论坛尚未开始");
    const talk = live.talk(input.talkId);
    if (!talk) throw notFound("找不到该发言");
    let board: Scoreboard;
    if (input.action === "open") {
      if (talk.roundStatus !== "none")
        throw conflict(talk.roundStatus === "open" ? "评分已经开始" : "该发言的评分已结束");
      // applied first, so a second press is refused at once; undone if the write fails
      live.setTalk(talk.id, { roundStatus: "open" });
      if (!live.ballots.has(talk.id)) live.ballots.set(talk.id, new Map());
      try {
        const opened = await this.db
          .update(forumTalks)
          .set({ roundStatus: "open" })
          .where(and(eq(forumTalks.id, talk.id), eq(forumTalks.roundStatus, "none")))
          .returning({ id: forumTalks.id });
        if (!opened.length) throw conflict("该发言的评分状态已变化，请刷新");
      } catch (error) {
        live.setTalk(talk.id, { roundStatus: "none" });
        throw error;
      }
      board = live.scoreboard(talk.id)!;
    } else {
      if (talk.roundStatus !== "open") throw conflict("评分尚未开始或已结束");
      board = await this.closeRound(live, talk.id);
    }
    this.ctx.io.to(forumRoom(live.forum.id)).emit("forum:state", { forum: live.forum });
    this.ctx.io.to(forumRoom(live.forum.id)).emit("forum:scoreboard", board);
    return board;
  }

  /**
   * Closes a round and freezes its result. The round is closed in memory first, so later ballots
   * are refused; ballots already being written are waited for, so every acknowledged ballot is in
   * the frozen board; then the close and the board are committed together.
   */
  async closeRound(live: LiveForum, talkId: string): Promise<Scoreboard> {
    live.setTalk(talkId, { roundStatus: "closed" });
    await Promise.allSettled([...(live.ballotsInFlight.get(talkId) ?? [])]);
    const talk = live.talk(talkId)!;
    const board = computeScoreboard({ forumId: live.forum.id, talkId, roundStatus: "closed" }, live.forum.groups, [
      ...(live.ballots.get(talkId)?.values() ?? []),
    ]);
    // The frozen result is the talk's 成长档案 evidence; it replaces an unscored item written when
    // the talk ended, in the transaction that freezes it.
    const given = talkEvidence(talk, new Date(), board);
    await this.db.transaction(async (tx) => {
      await tx
        .update(forumTalks)
        .set({ roundStatus: "closed", frozenScoreboard: board })
        .where(eq(forumTalks.id, talk.id));
      await withdrawEvidence(tx, given);
      await recordEvidence(tx, given);
    });
    live.frozen.set(talkId, board);
    return board;
  }

  /** Scoreboards of a forum from the database (the archive, after the end): frozen as stored, open ones tallied. */
  async scoreboards(forum: Forum): Promise<Scoreboard[]> {
    const talkIds = forum.talks.filter((t) => t.roundStatus !== "none").map((t) => t.id);
    if (!talkIds.length) return [];
    const rows = await this.db
      .select()
      .from(forumTalks)
      .where(inArray(forumTalks.id, talkIds))
      .orderBy(asc(forumTalks.position));
    return Promise.all(
      rows.map(async (t) => {
        if (t.roundStatus === "closed" && t.frozenScoreboard) return t.frozenScoreboard;
        const ballots = await this.db
          .select({
            scoreGroup: forumBallots.scoreGroup,
            mechanism: forumBallots.mechanism,
            scores: forumBallots.scores,
          })
          .from(forumBallots)
          .where(eq(forumBallots.talkId, t.id));
        return computeScoreboard(
          { forumId: forum.id, talkId: t.id, roundStatus: t.roundStatus },
          forum.groups,
          ballots,
        );
      }),
    );
  }

  async score(user: UserRow, live: LiveForum, input: ForumScore): Promise<{ scores: BallotScores }> {
    requireExamination(live);
    const talk = live.talk(input.talkId);
    if (!talk) throw notFound("找不到该发言");
    if (talk.presenterId === user.id) throw forbidden("不能给自己的发言评分");
    const scoreGroup = scoreGroupOf(user, live.forum);
    if (!scoreGroup)
      throw forbidden(
        live.forum.peerScoring || !hasRole(user, "secretary")
          ? "现场评分由持选票码的群众进行，工作人员不评分"
          : "本场主持人未开放同行书记评分",
      );
    if (talk.roundStatus !== "open")
      throw conflict(talk.roundStatus === "closed" ? "评分已结束，结果已锁定" : "评分尚未开始");
    const ballot: Ballot = { scoreGroup, mechanism: ballotMechanism(user), scores: input.scores };
    // A person's ballots on a talk commit and apply in the order they were cast.
    const key = `ballot:${talk.id}:${user.id}`;
    const previous = live.chains.get(key) ?? Promise.resolve();
    const write = previous
      .catch(() => {})
      .then(() =>
        this.db
          .insert(forumBallots)
          .values({ talkId: talk.id, userId: user.id, forumId: live.forum.id, ...ballot })
          .onConflictDoUpdate({
            target: [forumBallots.talkId, forumBallots.userId],
            set: { ...ballot, updatedAt: new Date() },
          }),
      )
      .then(() => void live.ballots.get(talk.id)?.set(user.id, ballot));
    live.chains.set(key, write);
    // registered in the same turn as the open-round check, so a closing round waits for it
    const inFlight = live.ballotsInFlight.get(talk.id) ?? new Set();
    live.ballotsInFlight.set(talk.id, inFlight.add(write));
    try {
      await write;
    } finally {
      inFlight.delete(write);
      if (live.chains.get(key) === write) live.chains.delete(key);
    }
    this.pushes.run(`scores:${talk.id}`, SCOREBOARD_PUSH_MS, async () => {
      // once closed, the frozen board was already pushed by the close
      if (!this.stillLive(live) || live.talk(talk.id)?.roundStatus !== "open") return;
      this.ctx.io.to(forumRoom(live.forum.id)).emit("forum:scoreboard", live.scoreboard(talk.id)!);
    });
    return { scores: input.scores };
  }
}
