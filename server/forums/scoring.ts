import { and, asc, eq, inArray } from "drizzle-orm";
import type { BallotScores, Forum, ForumRound, ForumScore, Scoreboard } from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, forbidden, invalidInput } from "../lib/errors.ts";
import type { Coalescer } from "./coalesce.ts";
import { requireHost, scoreGroupOf } from "./policy.ts";
import { forumBallots, forums, forumTalks } from "./schema.ts";
import { computeScoreboard } from "./scoreboard.ts";
import { broadcastState, findForumRow, findTalkRow, forumRoom, type ForumRow, getForum, requireLive, type TalkRow } from "./service.ts";

const SCOREBOARD_PUSH_MS = 200;

/** 群众考书记 scoring: rounds per talk, one changeable ballot per person, the live and the frozen scoreboard. */
export class ForumScoring {
  constructor(
    private readonly ctx: AppContext,
    private readonly pushes: Coalescer,
  ) {}

  private get db(): Db {
    return this.ctx.db;
  }

  async round(user: UserRow, input: ForumRound): Promise<Scoreboard> {
    const forum = await findForumRow(this.db, input.forumId);
    requireHost(user, forum);
    if (forum.mode !== "examination") throw invalidInput("只有群众考书记模式可以评分");
    requireLive(forum);
    const talk = await findTalkRow(this.db, forum.id, input.talkId);
    let board: Scoreboard;
    if (input.action === "open") {
      const opened = await this.db
        .update(forumTalks)
        .set({ roundStatus: "open" })
        .where(and(eq(forumTalks.id, talk.id), eq(forumTalks.roundStatus, "none")))
        .returning({ id: forumTalks.id });
      if (!opened.length) throw conflict(talk.roundStatus === "open" ? "评分已经开始" : "该发言的评分已结束");
      board = await this.liveScoreboard(forum, { ...talk, roundStatus: "open" });
    } else {
      if (talk.roundStatus !== "open") throw conflict("评分尚未开始或已结束");
      board = await this.closeRound(forum, talk);
    }
    broadcastState(this.ctx, await getForum(this.db, forum.id));
    this.ctx.io.to(forumRoom(forum.id)).emit("forum:scoreboard", board);
    return board;
  }

  /**
   * Closes a round and freezes its result. The status change takes the talk's row lock, so a ballot
   * either committed before (and is counted) or sees the round closed (and is refused).
   */
  async closeRound(forum: ForumRow, talk: TalkRow): Promise<Scoreboard> {
    return this.db.transaction(async (tx) => {
      const closed = await tx
        .update(forumTalks)
        .set({ roundStatus: "closed" })
        .where(and(eq(forumTalks.id, talk.id), eq(forumTalks.roundStatus, "open")))
        .returning({ id: forumTalks.id });
      if (!closed.length) throw conflict("评分尚未开始或已结束");
      const ballots = await tx
        .select({ scoreGroup: forumBallots.scoreGroup, scores: forumBallots.scores })
        .from(forumBallots)
        .where(eq(forumBallots.talkId, talk.id));
      const board = computeScoreboard({ forumId: forum.id, talkId: talk.id, roundStatus: "closed" }, forum.weights, ballots);
      await tx.update(forumTalks).set({ frozenScoreboard: board }).where(eq(forumTalks.id, talk.id));
      return board;
    });
  }

  private async liveScoreboard(forum: { id: string; weights: ForumRow["weights"] }, talk: Pick<TalkRow, "id" | "roundStatus">): Promise<Scoreboard> {
    const ballots = await this.db
      .select({ scoreGroup: forumBallots.scoreGroup, scores: forumBallots.scores })
      .from(forumBallots)
      .where(eq(forumBallots.talkId, talk.id));
    return computeScoreboard({ forumId: forum.id, talkId: talk.id, roundStatus: talk.roundStatus }, forum.weights, ballots);
  }

  /** Scoreboards of every talk that has had a round: frozen ones as stored, open ones computed now. */
  async scoreboards(forum: Forum): Promise<Scoreboard[]> {
    const talkIds = forum.talks.filter((t) => t.roundStatus !== "none").map((t) => t.id);
    if (!talkIds.length) return [];
    const rows = await this.db.select().from(forumTalks).where(inArray(forumTalks.id, talkIds)).orderBy(asc(forumTalks.position));
    return Promise.all(
      rows.map((t) =>
        t.roundStatus === "closed" && t.frozenScoreboard ? Promise.resolve(t.frozenScoreboard) : this.liveScoreboard(forum, t),
      ),
    );
  }

  async score(user: UserRow, input: ForumScore): Promise<{ scores: BallotScores }> {
    const forum = await findForumRow(this.db, input.forumId);
    if (forum.mode !== "examination") throw invalidInput("只有群众考书记模式可以评分");
    const talk = await findTalkRow(this.db, forum.id, input.talkId);
    if (talk.presenterId === user.id) throw forbidden("不能给自己的发言评分");
    await this.db.transaction(async (tx) => {
      // FOR SHARE waits for a closing round to commit, then sees it closed.
      const [locked] = await tx
        .select({ roundStatus: forumTalks.roundStatus })
        .from(forumTalks)
        .where(eq(forumTalks.id, talk.id))
        .for("share");
      if (locked?.roundStatus !== "open") throw conflict(locked?.roundStatus === "closed" ? "评分已结束，结果已锁定" : "评分尚未开始");
      await tx
        .insert(forumBallots)
        .values({ talkId: talk.id, userId: user.id, forumId: forum.id, scoreGroup: scoreGroupOf(user), scores: input.scores })
        .onConflictDoUpdate({
          target: [forumBallots.talkId, forumBallots.userId],
          set: { scores: input.scores, scoreGroup: scoreGroupOf(user), updatedAt: new Date() },
        });
    });
    this.pushes.run(`scores:${talk.id}`, SCOREBOARD_PUSH_MS, async () => {
      const [fresh] = await this.db.select().from(forumTalks).where(eq(forumTalks.id, talk.id));
      const [freshForum] = await this.db.select().from(forums).where(eq(forums.id, forum.id));
      // once closed, the frozen board was already pushed by the close
      if (!fresh || !freshForum || fresh.roundStatus !== "open") return;
      this.ctx.io.to(forumRoom(forum.id)).emit("forum:scoreboard", await this.liveScoreboard(freshForum, fresh));
    });
    return { scores: input.scores };
  }
}
