import { eq, inArray } from "drizzle-orm";
import type {
  BallotMechanism,
  BallotScores,
  Forum,
  ForumChatMessage,
  ForumPresence,
  ForumQuestion,
  ForumViewer,
  ScoreGroup,
  Scoreboard,
} from "../../shared/forums.ts";
import type { Db } from "../db/client.ts";
import { forumBallots, forumQuestions, forumQuestionVotes, forumTalks } from "./schema.ts";
import { computeScoreboard } from "./scoreboard.ts";
import { authorsOf, CHAT_HISTORY, chatHistory, getForum, type QuestionRow, toQuestion } from "./service.ts";

export type Author = { id: string; displayName: string; role: ForumChatMessage["author"]["role"] };
export type Ballot = { scoreGroup: ScoreGroup; mechanism: BallotMechanism; scores: BallotScores };

/** One question as the owner holds it: the stored row plus who upvoted it (the count is their number). */
export interface LiveQuestion {
  row: QuestionRow;
  voters: Set<string>;
}

/**
 * The live state of one forum, held by the process that owns the forum: agenda and stage, questions
 * with their voters, the chat tail, ballots of open rounds, the last presence count. Joins are
 * answered from here; the stage (current talk, page, highlighted question) is written behind, and
 * everything else is committed before it is applied here (see docs/forums.md).
 */
export class LiveForum {
  /** talks whose page or start/end changed since the last write-behind, and whether the forum row did */
  readonly dirtyTalks = new Set<string>();
  forumDirty = false;
  /** one chain per key (a question's votes, a person's ballot): such changes commit and apply in order */
  readonly chains = new Map<string, Promise<unknown>>();
  /** ballot writes in flight per talk: a round is frozen only once they have settled */
  readonly ballotsInFlight = new Map<string, Set<Promise<unknown>>>();
  presence: ForumPresence;
  /** when `presence` was counted (0: never) */
  presenceAt = 0;
  lastUsed = Date.now();

  private constructor(
    public forum: Forum,
    readonly questions: Map<string, LiveQuestion>,
    readonly chat: ForumChatMessage[],
    /** talkId → userId → ballot, for talks that have had a round */
    readonly ballots: Map<string, Map<string, Ballot>>,
    /** talkId → the board frozen when its round closed */
    readonly frozen: Map<string, Scoreboard>,
    readonly authors: Map<string, Author>,
  ) {
    this.presence = { forumId: forum.id, count: 0, byRole: {}, users: [] };
  }

  static async load(db: Db, forumId: string): Promise<LiveForum> {
    const forum = await getForum(db, forumId);
    const [rows, chat, talkRows] = await Promise.all([
      db.select().from(forumQuestions).where(eq(forumQuestions.forumId, forumId)),
      chatHistory(db, forumId),
      db
        .select({ id: forumTalks.id, roundStatus: forumTalks.roundStatus, frozen: forumTalks.frozenScoreboard })
        .from(forumTalks)
        .where(eq(forumTalks.forumId, forumId)),
    ]);
    rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const votes = rows.length
      ? await db
          .select({ questionId: forumQuestionVotes.questionId, userId: forumQuestionVotes.userId })
          .from(forumQuestionVotes)
          .where(
            inArray(
              forumQuestionVotes.questionId,
              rows.map((r) => r.id),
            ),
          )
      : [];
    const questions = new Map<string, LiveQuestion>(rows.map((row) => [row.id, { row, voters: new Set<string>() }]));
    for (const v of votes) questions.get(v.questionId)?.voters.add(v.userId);
    for (const q of questions.values()) q.row.votes = q.voters.size;

    // every ballot of the forum: open rounds are tallied from them, and each viewer sees their own
    const roundTalks = talkRows.filter((t) => t.roundStatus !== "none").map((t) => t.id);
    const ballots = new Map<string, Map<string, Ballot>>(roundTalks.map((id) => [id, new Map()]));
    if (roundTalks.length) {
      const stored = await db
        .select({
          talkId: forumBallots.talkId,
          userId: forumBallots.userId,
          scoreGroup: forumBallots.scoreGroup,
          mechanism: forumBallots.mechanism,
          scores: forumBallots.scores,
        })
        .from(forumBallots)
        .where(inArray(forumBallots.talkId, roundTalks));
      for (const b of stored)
        ballots.get(b.talkId)!.set(b.userId, { scoreGroup: b.scoreGroup, mechanism: b.mechanism, scores: b.scores });
    }
    const frozen = new Map<string, Scoreboard>();
    for (const t of talkRows) if (t.roundStatus === "closed" && t.frozen) frozen.set(t.id, t.frozen);

    const authors = await authorsOf(
      db,
      rows.map((r) => r.authorId),
    );
    for (const line of chat) authors.set(line.author.id, line.author);
    return new LiveForum(forum, questions, chat, ballots, frozen, authors);
  }

  // ——— the stage ———

  talk(talkId: string) {
    return this.forum.talks.find((t) => t.id === talkId);
  }

  get currentTalk() {
    return this.forum.talks.find((t) => t.id === this.forum.currentTalkId);
  }

  /** The agenda index of the talk on stage, -1 before the first. */
  get currentIndex(): number {
    return this.forum.talks.findIndex((t) => t.id === this.forum.currentTalkId);
  }

  /** Replaces the stage fields and marks them for the next write-behind. */
  setStage(change: Partial<Pick<Forum, "currentTalkId" | "highlightedQuestionId">>): void {
    this.forum = { ...this.forum, ...change };
    this.forumDirty = true;
  }

  /** A talk's page or its start/end changed; written behind. */
  setTalk(
    talkId: string,
    change: Partial<Pick<Forum["talks"][number], "slide" | "startedAt" | "endedAt" | "roundStatus">>,
  ): void {
    this.forum = { ...this.forum, talks: this.forum.talks.map((t) => (t.id === talkId ? { ...t, ...change } : t)) };
    if ("slide" in change || "startedAt" in change || "endedAt" in change) this.dirtyTalks.add(talkId);
  }

  /**
   * The agenda was edited through REST (talks added, edited, reordered, decks uploaded, weights):
   * takes the stored agenda but keeps this process's stage, which may be newer than the database.
   */
  mergeAgenda(stored: Forum): void {
    const mine = new Map(this.forum.talks.map((t) => [t.id, t]));
    this.forum = {
      ...stored,
      status: this.forum.status,
      startedAt: this.forum.startedAt,
      endedAt: this.forum.endedAt,
      currentTalkId: this.forum.currentTalkId,
      highlightedQuestionId: this.forum.highlightedQuestionId,
      talks: stored.talks.map((t) => {
        const live = mine.get(t.id);
        return live
          ? { ...t, slide: live.slide, startedAt: live.startedAt, endedAt: live.endedAt, roundStatus: live.roundStatus }
          : t;
      }),
    };
  }

  // ——— questions ———

  findByClientId(authorId: string, clientId: string): QuestionRow | undefined {
    for (const q of this.questions.values())
      if (q.row.authorId === authorId && q.row.clientId === clientId) return q.row;
    return undefined;
  }

  /** The questions a viewer may see, shaped for them (same rules as `questionsFor`). */
  questionsFor(viewer: { userId: string; seesPending: boolean }): ForumQuestion[] {
    const out: ForumQuestion[] = [];
    for (const { row } of this.questions.values()) {
      const visible =
        viewer.seesPending ||
        row.status === "open" ||
        row.status === "answered" ||
        (row.status === "pending" && row.authorId === viewer.userId);
      if (visible) out.push(toQuestion(row, this.authors.get(row.authorId), viewer.userId));
    }
    return out;
  }

  votesOf(userId: string): string[] {
    const mine: string[] = [];
    for (const [id, q] of this.questions) if (q.voters.has(userId)) mine.push(id);
    return mine;
  }

  // ——— chat ———

  addChat(message: ForumChatMessage): void {
    this.chat.push(message);
    if (this.chat.length > CHAT_HISTORY) this.chat.splice(0, this.chat.length - CHAT_HISTORY);
    this.authors.set(message.author.id, message.author);
  }

  // ——— scoring ———

  scoreboard(talkId: string): Scoreboard | undefined {
    const frozen = this.frozen.get(talkId);
    if (frozen) return frozen;
    const talk = this.talk(talkId);
    const ballots = this.ballots.get(talkId);
    if (!talk || !ballots) return undefined;
    return computeScoreboard({ forumId: this.forum.id, talkId, roundStatus: talk.roundStatus }, this.forum.groups, [
      ...ballots.values(),
    ]);
  }

  /** Boards of every talk that has had a round, in agenda order. */
  scoreboards(): Scoreboard[] {
    return this.forum.talks.filter((t) => t.roundStatus !== "none").flatMap((t) => this.scoreboard(t.id) ?? []);
  }

  ballotsOf(userId: string): Record<string, BallotScores> {
    const mine: Record<string, BallotScores> = {};
    for (const [talkId, byUser] of this.ballots) {
      const b = byUser.get(userId);
      if (b) mine[talkId] = b.scores;
    }
    return mine;
  }

  snapshotFor(userId: string, viewer: ForumViewer) {
    return {
      forum: this.forum,
      viewer,
      chat: this.chat.slice(),
      questions: this.questionsFor({ userId, seesPending: viewer.seesPending }),
      myVotes: this.votesOf(userId),
      scoreboards: this.scoreboards(),
      myBallots: this.ballotsOf(userId),
      presence: this.presence,
    };
  }
}
