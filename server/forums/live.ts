import { and, eq } from "drizzle-orm";
import type { Role } from "../../shared/enums.ts";
import type {
  Forum,
  ForumAsk,
  ForumChat,
  ForumChatMessage,
  ForumControl,
  ForumModerate,
  ForumPresence,
  ForumRound,
  ForumScore,
  ForumSlide,
  ForumSnapshot,
  ForumViewer,
  ForumVote,
} from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import { AppError, conflict, forbidden, invalidInput, notFound, readOnly } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { notify } from "../notifications/service.ts";
import { Coalescer } from "./coalesce.ts";
import { endForumGuests, forumGuestsRoom } from "./guests.ts";
import { LiveForum } from "./liveForum.ts";
import { type ForumOwners, type ForwardedRequest, localOwners, OwnerMoved, redisOwners } from "./ownership.ts";
import {
  canPresent,
  guestOf,
  isCurrentPresenter,
  isHost,
  requireHost,
  reviewsAuthors,
  scoreGroupOf,
  seesPending,
} from "./policy.ts";
import { ForumQuestions } from "./questions.ts";
import { forumChat, forums, forumTalks } from "./schema.ts";
import { ForumScoring } from "./scoring.ts";
import { authorsOf, findForumRow, forumRoom, type ForumRow, getForum, toChatMessage } from "./service.ts";
import { WRITE_BEHIND_MS, writeStage } from "./writeBehind.ts";

const PRESENCE_PUSH_MS = 250;
/** The list is for the side panel; the count and the per-role figures are always exact. */
const PRESENCE_LIST_MAX = 100;
const PRESENCE_REUSE_MS = 2000;
/** a forum nobody has used for this long is written, dropped from memory and its lease given up */
const IDLE_EVICT_MS = 10 * 60_000;
const MAX_FORWARD_ATTEMPTS = 4;

export function viewerOf(user: UserRow, forum: Forum | ForumRow): ForumViewer {
  const talks = "talks" in forum ? forum.talks : [];
  const current = talks.find((t) => t.id === forum.currentTalkId);
  return {
    isHost: isHost(user, forum),
    isPresenter: isCurrentPresenter(user, forum, current),
    reviewsAuthors: reviewsAuthors(user, forum),
    seesPending: seesPending(user, forum),
    scoreGroup:
      "groups" in forum
        ? scoreGroupOf(user, forum)
        : scoreGroupOf(user, { id: forum.id, groups: forum.scoreGroups, peerScoring: forum.peerScoring }),
    isGuest: guestOf(user) !== null,
  };
}

const requireLive = (live: LiveForum) => {
  if (live.forum.status !== "live") throw conflict(live.forum.status === "ended" ? "论坛已结束" : "论坛尚未开始");
};
const staleIndex = (current: number) =>
  new AppError(409, "stale_agenda", `议程已变化：现在是第 ${current + 1} 个发言，请确认后再操作`);

/** Every command a forum's owner runs, by name: a forwarded command names one of these. */
type Ops = {
  join: [input: null, result: ForumSnapshot];
  /** the room as a join would show it, without joining: a page's first render (GET …/room) */
  peek: [input: null, result: ForumSnapshot];
  presence: [input: null, result: null];
  agenda: [input: null, result: null];
  /** write the stage now (an agenda edit checks "not yet given" against the database) */
  stage: [input: null, result: null];
  control: [input: ForumControl, result: Forum];
  slide: [input: ForumSlide, result: { slide: number }];
  chat: [input: ForumChat, result: ForumChatMessage];
  ask: [input: ForumAsk, result: Awaited<ReturnType<ForumQuestions["ask"]>>];
  moderate: [input: ForumModerate, result: Awaited<ReturnType<ForumQuestions["moderate"]>>];
  vote: [input: ForumVote, result: Awaited<ReturnType<ForumQuestions["vote"]>>];
  round: [input: ForumRound, result: Awaited<ReturnType<ForumScoring["round"]>>];
  score: [input: ForumScore, result: Awaited<ReturnType<ForumScoring["score"]>>];
};
type Op = keyof Ops;

/**
 * Running forums. The process that owns a forum (every forum, with one process; by Redis lease
 * with several) holds its live state in memory (LiveForum) and runs every command on it in one
 * order; other processes forward commands to it. Joins are answered from memory. The stage
 * (current talk, page, highlighted question) is written behind at least every 500 ms and on stop;
 * everything acknowledged as kept — chat lines, questions, moderation, votes, ballots, rounds, the
 * start and the end — is committed before it is applied and acknowledged (docs/forums.md).
 */
export class ForumLive {
  private readonly pushes: Coalescer;
  readonly questions: ForumQuestions;
  readonly scoring: ForumScoring;
  private readonly owners: ForumOwners;
  private readonly forums = new Map<string, LiveForum>();
  private readonly loading = new Map<string, Promise<LiveForum>>();
  private readonly flusher: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly ctx: AppContext) {
    this.pushes = new Coalescer((err, key) => ctx.log.error({ err, key }, "forum push failed"));
    const stillLive = (live: LiveForum) => this.forums.get(live.forum.id) === live;
    this.questions = new ForumQuestions(ctx, this.pushes, stillLive);
    this.scoring = new ForumScoring(ctx, this.pushes, stillLive);
    this.owners = ctx.redis ? redisOwners(ctx.redis.pub, ctx.redis.sub.duplicate(), ctx.log) : localOwners();
    this.owners.serve((request) =>
      this.runHere(request.forumId, request.op as Op, request.user as UserRow, request.input as never),
    );
    // a lease this process failed to renew: another process may run the forum now, so the copy here is dropped
    this.owners.onLost((forumId) => this.forums.delete(forumId));
    this.flusher = setInterval(() => void this.flush(), WRITE_BEHIND_MS);
    this.flusher.unref();
  }

  /** Writes every forum's stage, then gives up ownership (graceful shutdown: another process takes over at once). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.flusher);
    this.pushes.stop();
    await this.flushing;
    await this.flush(true);
    await this.owners.stop();
    this.forums.clear();
  }

  /** One write-behind pass: the stage of every owned forum that changed; idle forums are dropped. */
  private flush(final = false): Promise<void> {
    if (this.flushing && !final) return this.flushing;
    const pass = (async () => {
      const now = Date.now();
      for (const live of [...this.forums.values()]) {
        try {
          await writeStage(this.ctx.db, live);
        } catch (err) {
          this.ctx.log.error({ err, forumId: live.forum.id }, "forum write-behind failed; retrying");
          continue;
        }
        const idle = now - live.lastUsed > IDLE_EVICT_MS && live.chains.size === 0;
        if (!final && idle && !live.forumDirty && live.dirtyTalks.size === 0) await this.evict(live);
      }
    })().finally(() => {
      if (this.flushing === pass) this.flushing = undefined;
    });
    if (!final) this.flushing = pass;
    return pass;
  }

  private async evict(live: LiveForum): Promise<void> {
    if (this.forums.get(live.forum.id) !== live) return;
    this.forums.delete(live.forum.id);
    await this.owners.release(live.forum.id);
  }

  // ——— routing: run here when this process owns the forum, else forward to its owner ———

  async exec<O extends Op>(forumId: string, op: O, user: UserRow, input: Ops[O][0]): Promise<Ops[O][1]> {
    for (let attempt = 0; attempt < MAX_FORWARD_ATTEMPTS; attempt++) {
      if (this.stopped) throw new AppError(503, "unavailable", "服务器正在重启，请稍后再试");
      const owner = await this.owners.resolve(forumId);
      if (owner === "mine") return this.runHere(forumId, op, user, input);
      try {
        const { passwordHash: _secret, ...who } = user;
        return (await this.owners.forward(owner, {
          forumId,
          op,
          user: who,
          input,
        } satisfies ForwardedRequest)) as Ops[O][1];
      } catch (error) {
        if (!(error instanceof OwnerMoved)) throw error;
        this.owners.forget(forumId); // not run there: ask who owns it now and send again
      }
    }
    throw new AppError(503, "unavailable", "论坛正在切换服务器，请稍后再试");
  }

  private async runHere<O extends Op>(forumId: string, op: O, user: UserRow, input: Ops[O][0]): Promise<Ops[O][1]> {
    if (this.stopped) throw new OwnerMoved("stopping");
    const live = await this.loaded(forumId);
    live.lastUsed = Date.now();
    const run = this.handlers[op] as (user: UserRow, live: LiveForum, input: Ops[O][0]) => Promise<Ops[O][1]>;
    return run(user, live, input);
  }

  private readonly handlers: { [O in Op]: (user: UserRow, live: LiveForum, input: Ops[O][0]) => Promise<Ops[O][1]> } = {
    join: async (user, live) => this.snapshot(user, live),
    peek: async (user, live) => this.viewOf(user, live),
    presence: async (_user, live) => {
      this.schedulePresence(live);
      return null;
    },
    agenda: async (_user, live) => this.agendaChanged(live),
    stage: async (_user, live) => {
      await writeStage(this.ctx.db, live);
      return null;
    },
    control: (user, live, input) => this.control(user, live, input),
    slide: async (user, live, input) => this.slide(user, live, input),
    chat: (user, live, input) => this.chat(user, live, input),
    ask: (user, live, input) => this.questions.ask(user, live, input),
    moderate: (user, live, input) => this.questions.moderate(user, live, input),
    vote: (user, live, input) => this.questions.vote(user, live, input),
    round: (user, live, input) => this.scoring.round(user, live, input),
    score: (user, live, input) => this.scoring.score(user, live, input),
  };

  /** The forum's live state, read from the database the first time this process runs it. */
  private async loaded(forumId: string): Promise<LiveForum> {
    const live = this.forums.get(forumId);
    if (live) return live;
    let pending = this.loading.get(forumId);
    if (!pending) {
      pending = LiveForum.load(this.ctx.db, forumId)
        .then((loaded) => {
          this.forums.set(forumId, loaded);
          return loaded;
        })
        .finally(() => this.loading.delete(forumId));
      this.loading.set(forumId, pending);
    }
    return pending;
  }

  // ——— joining, presence ———

  private async snapshot(user: UserRow, live: LiveForum): Promise<ForumSnapshot> {
    if (Date.now() - live.presenceAt > PRESENCE_REUSE_MS) await this.refreshPresence(live);
    this.schedulePresence(live);
    return this.viewOf(user, live);
  }

  /** What this person sees of the room: their own votes and ballots, no chat for a guest. */
  private viewOf(user: UserRow, live: LiveForum): ForumSnapshot {
    const snapshot = live.snapshotFor(user.id, viewerOf(user, live.forum));
    return guestOf(user) ? { ...snapshot, chat: [] } : snapshot;
  }

  /** Who is in the forum's room, on every server process, one entry per person. */
  private async refreshPresence(live: LiveForum): Promise<ForumPresence> {
    const forumId = live.forum.id;
    const sockets = await this.ctx.io.in(forumRoom(forumId)).fetchSockets();
    const people = new Map<string, { id: string; displayName: string; role: Role }>();
    for (const s of sockets) {
      const u = s.data.user;
      if (u && !people.has(u.id)) people.set(u.id, { id: u.id, displayName: u.displayName, role: u.role });
    }
    const users = [...people.values()].sort(
      (a, b) => a.role.localeCompare(b.role) || a.displayName.localeCompare(b.displayName, "zh-CN"),
    );
    const byRole: Partial<Record<Role, number>> = {};
    for (const u of users) byRole[u.role] = (byRole[u.role] ?? 0) + 1;
    // A projector hall can hold hundreds; the list is for the side panel, the count is exact.
    live.presence = { forumId, count: users.length, byRole, users: users.slice(0, PRESENCE_LIST_MAX) };
    live.presenceAt = Date.now();
    return live.presence;
  }

  /**
   * Presence goes to everyone in the room, so in a full hall a join wave would otherwise cost
   * N pushes to N people: the push waits longer the bigger the room (about 1 ms per person, ≤ 2 s).
   * Counting the room visits every socket in it, so a join snapshot reuses a count up to 2 s old.
   */
  private schedulePresence(live: LiveForum): void {
    const delay = Math.min(2000, Math.max(PRESENCE_PUSH_MS, live.presence.count));
    this.pushes.run(`presence:${live.forum.id}`, delay, async () => {
      const presence = await this.refreshPresence(live);
      this.ctx.io.to(forumRoom(live.forum.id)).emit("forum:presence", presence);
    });
  }

  /** Someone left or disconnected: the owner recounts (coalesced). */
  presenceChanged(user: UserRow, forumId: string): void {
    // While stopping, every socket disconnects; there is no count left to keep.
    if (this.stopped) return;
    this.exec(forumId, "presence", user, null).catch((err) =>
      this.ctx.log.warn({ err, forumId }, "presence update failed"),
    );
  }

  // ——— the agenda, edited through REST ———

  /** The agenda changed in the database (talks, decks, weights): the live state takes it and the room sees it. */
  private async agendaChanged(live: LiveForum): Promise<null> {
    live.mergeAgenda(await getForum(this.ctx.db, live.forum.id));
    const room = this.ctx.io.to(forumRoom(live.forum.id));
    room.emit("forum:state", { forum: live.forum });
    // weights change the open rounds' boards
    for (const t of live.forum.talks)
      if (t.roundStatus === "open") room.emit("forum:scoreboard", live.scoreboard(t.id)!);
    return null;
  }

  /** Called by the forum services after a REST change; runs on the forum's owner. */
  async announceAgenda(forumId: string): Promise<void> {
    const system = { id: "", role: "admin" } as UserRow; // the change was authorised by the REST route
    await this.exec(forumId, "agenda", system, null);
  }

  // ——— running the agenda ———

  private async control(user: UserRow, live: LiveForum, input: ForumControl): Promise<Forum> {
    requireHost(user, live.forum);
    const { talks } = live.forum;
    const now = new Date().toISOString();
    const frozen: Promise<unknown>[] = [];

    if (input.action === "start") {
      if (live.forum.status !== "scheduled")
        throw conflict(live.forum.status === "live" ? "论坛已经开始" : "论坛已结束");
      const first = input.talkId ? talks.find((t) => t.id === input.talkId) : talks[0];
      if (input.talkId && !first) throw notFound("找不到该发言");
      // The start is kept before it is acknowledged: REST rules and the archive read the status.
      live.forum = { ...live.forum, status: "live", startedAt: now };
      try {
        await this.ctx.db.transaction(async (tx) => {
          const started = await tx
            .update(forums)
            .set({ status: "live", startedAt: new Date(now), currentTalkId: first?.id ?? null })
            .where(and(eq(forums.id, live.forum.id), eq(forums.status, "scheduled")))
            .returning({ id: forums.id });
          if (started.length === 0) throw conflict("论坛已经开始");
          if (first)
            await tx
              .update(forumTalks)
              .set({ startedAt: new Date(now), slide: 1 })
              .where(eq(forumTalks.id, first.id));
        });
      } catch (error) {
        live.forum = { ...live.forum, status: "scheduled", startedAt: null };
        throw error;
      }
      live.forum = { ...live.forum, currentTalkId: first?.id ?? null };
      if (first) live.setTalk(first.id, { startedAt: now, slide: 1 });
    } else if (input.action === "next") {
      requireLive(live);
      // Checked and applied in one turn of the event loop: of two presses that expect the same
      // talk on stage, the first moves on and the second finds the stage moved.
      const index = live.currentIndex;
      if (input.expectedIndex !== undefined && input.expectedIndex !== index) throw staleIndex(index);
      const current = talks[index];
      const target = input.talkId ? talks.find((t) => t.id === input.talkId) : talks[index + 1];
      if (!target) throw input.talkId ? notFound("找不到该发言") : conflict("已经是最后一个发言");
      if (target.id === current?.id) throw conflict("该发言正在进行");
      if (current) {
        if (current.roundStatus === "open") frozen.push(this.scoring.closeRound(live, current.id));
        live.setTalk(current.id, { endedAt: now });
      }
      live.setTalk(target.id, { startedAt: now, endedAt: null });
      live.setStage({ currentTalkId: target.id, highlightedQuestionId: null });
    } else {
      requireLive(live);
      live.forum = { ...live.forum, status: "ended", endedAt: now };
      for (const talk of talks) if (talk.roundStatus === "open") frozen.push(this.scoring.closeRound(live, talk.id));
      if (live.forum.currentTalkId) live.setTalk(live.forum.currentTalkId, { endedAt: now });
      live.setStage({ highlightedQuestionId: null });
    }

    const boards = await Promise.all(frozen);
    if (input.action === "end") {
      // The end is kept before it is acknowledged (the archive reads the database), with the stage.
      await writeStage(this.ctx.db, live);
      await this.ctx.db
        .update(forums)
        .set({ status: "ended", endedAt: new Date(now) })
        .where(eq(forums.id, live.forum.id));
    }
    // the hall's guest sessions end with the forum (the last state reaches them first)
    const room = this.ctx.io.to(forumRoom(live.forum.id));
    room.emit("forum:state", { forum: live.forum });
    for (const board of boards) room.emit("forum:scoreboard", board as never);
    if (input.action === "end") await endForumGuests(this.ctx, live.forum.id);
    if (input.action === "start") await this.tellPresenters(user, live.forum);
    return live.forum;
  }

  /** Presenters who are not in the room yet learn that their forum has begun. */
  private async tellPresenters(host: UserRow, forum: Forum): Promise<void> {
    for (const presenterId of new Set(forum.talks.map((t) => t.presenterId))) {
      if (presenterId === host.id) continue;
      await notify(this.ctx, {
        userId: presenterId,
        kind: "forum_starting",
        title: `「${forum.title}」已开始`,
        link: `/forums/${forum.id}`,
      }).catch((err) => this.ctx.log.error({ err }, "forum start notification failed"));
    }
  }

  /**
   * A page turn is the hot path of every viewer: checked against the live state, applied, pushed,
   * and written behind — no database work before the push.
   */
  private slide(user: UserRow, live: LiveForum, input: ForumSlide): { slide: number } {
    const { forum } = live;
    const talk = live.talk(input.talkId);
    if (!talk) throw notFound("找不到该发言");
    if (!canPresent(user, forum, talk)) throw forbidden("只有当前发言人或主持人可以翻页");
    requireLive(live);
    if (forum.currentTalkId !== talk.id) throw conflict("该发言不是当前发言");
    const pageCount = talk.deck?.pageCount;
    if (pageCount && input.slide > pageCount) throw invalidInput(`该演示文稿只有 ${pageCount} 页`);
    live.setTalk(talk.id, { slide: input.slide });
    this.ctx.io.to(forumRoom(forum.id)).emit("forum:slide", { forumId: forum.id, talkId: talk.id, slide: input.slide });
    return { slide: input.slide };
  }

  // ——— chat ———

  /** A chat line is committed before anyone sees it and before its acknowledgement. */
  private async chat(user: UserRow, live: LiveForum, input: ForumChat): Promise<ForumChatMessage> {
    if (guestOf(user)) throw forbidden("现场观众不能使用聊天");
    if (live.forum.status === "ended") throw readOnly("论坛已结束，只能查看归档");
    await this.ctx.limits.posting.consume(user.id);
    await checkText(this.ctx, input.text);
    const [row] = await this.ctx.db
      .insert(forumChat)
      .values({ forumId: live.forum.id, authorId: user.id, clientId: input.clientId, text: input.text })
      .onConflictDoNothing()
      .returning();
    // A retried send (same clientId) answers with the line already stored and is not shown again.
    if (!row) return (await this.storedChat(live.forum.id, user.id, input.clientId))!;
    const message = toChatMessage(row, user);
    live.addChat(message);
    // the hall's guests see slides and questions, not the workers' chat
    this.ctx.io.to(forumRoom(live.forum.id)).except(forumGuestsRoom(live.forum.id)).emit("forum:chat", message);
    return message;
  }

  private async storedChat(forumId: string, userId: string, clientId: string): Promise<ForumChatMessage | null> {
    const [row] = await this.ctx.db
      .select()
      .from(forumChat)
      .where(and(eq(forumChat.forumId, forumId), eq(forumChat.authorId, userId), eq(forumChat.clientId, clientId)));
    if (!row) return null;
    const authors = await authorsOf(this.ctx.db, [row.authorId]);
    return toChatMessage(row, authors.get(row.authorId)!);
  }

  private readonly hosts = new Map<string, { hostId: string; streetId: string | null }>();

  /**
   * The host of a forum, for the rooms a joining socket enters before its snapshot is taken. It never
   * changes, so each process reads it once per forum.
   */
  /** Who hosts a forum and which street holds it: what a join needs to pick the socket's rooms. */
  async hostOf(forumId: string): Promise<{ hostId: string; streetId: string | null }> {
    const running = this.forums.get(forumId)?.forum;
    const known = running ? { hostId: running.hostId, streetId: running.streetId } : this.hosts.get(forumId);
    if (known) return known;
    const { hostId, streetId } = await findForumRow(this.ctx.db, forumId);
    if (this.hosts.size > 10_000) this.hosts.clear();
    this.hosts.set(forumId, { hostId, streetId });
    return { hostId, streetId };
  }
}

/** What the forums feature's services get: the server's context and the live state of its running forums. */
export interface ForumsContext extends AppContext {
  live: ForumLive;
}
