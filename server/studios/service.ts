import { and, desc, eq, inArray, sql } from "drizzle-orm";
import {
  STUDIO_TERM_YEARS,
  type CreateStudio,
  type Studio,
  type StudioEdit,
  type StudioMember,
  type StudioMessage,
  type StudioSend,
} from "../../shared/studios.ts";
import { STUDIO_KIND_LABELS } from "../../shared/vocabulary.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import { userRoom } from "../context.ts";
import type { StudiosContext } from "./state.ts";
import { type Db, queryRows } from "../db/client.ts";
import { guidanceEvidence } from "../evidence/facts.ts";
import { recordEvidence } from "../evidence/service.ts";
import { forbidden, invalidInput, notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { notify } from "../notifications/service.ts";
import { attachmentsByIds, messageById, type ReplyRef, toMessage } from "./messages.ts";
import { factsOf, loadPeople } from "../accounts/people.ts";
import { activityStreet, isOrganiser } from "../auth/policy.ts";
import {
  canOverseeStudio,
  checkLead,
  checkMentee,
  readableUntil,
  requireAuthor,
  requireCanCreateStudio,
  requireMember,
  requireMentor,
  requireWritable,
  studioListScope,
  type StudioAccess,
} from "./policy.ts";
import { studioMembers, studioMessages, studios } from "./schema.ts";

type Ctx = Pick<StudiosContext, "studios" | "db" | "io" | "log" | "limits" | "words" | "redis">;

export const studioRoom = (studioId: string) => `studio:${studioId}`;
export const studioLink = (studioId: string, seq?: number) => `/studios/${studioId}${seq ? `?seq=${seq}` : ""}`;

const YEAR_MS = 365 * 24 * 3600_000 + 12 * 3600_000;

// ---------- access (cached briefly; a membership change forgets the studio on every process) ----------

const ACCESS_CHANNEL = "studio:access";

/** The studio's members, leavers and term, or 404. */
export async function loadAccess(ctx: Pick<StudiosContext, "db" | "studios">, studioId: string): Promise<StudioAccess> {
  const cached = ctx.studios.cachedAccess(studioId);
  if (cached) return cached;
  const [studio] = await ctx.db.select().from(studios).where(eq(studios.id, studioId));
  if (!studio) throw notFound("工作室不存在");
  const members = await ctx.db
    .select({ userId: studioMembers.userId, role: studioMembers.role, leftAt: studioMembers.leftAt })
    .from(studioMembers)
    .where(eq(studioMembers.studioId, studioId));
  const access: StudioAccess = {
    id: studio.id,
    name: studio.name,
    kind: studio.kind,
    mentorId: studio.mentorId,
    streetId: studio.streetId,
    termStartsAt: studio.termStartsAt,
    termEndsAt: studio.termEndsAt,
    members: new Map(members.filter((m) => !m.leftAt).map((m) => [m.userId, m.role])),
    former: new Map(members.flatMap((m) => (m.leftAt ? [[m.userId, m.leftAt] as const] : []))),
  };
  ctx.studios.keepAccess(access);
  return access;
}

/** Drops this process's cached access of a studio, and (through Redis) every other process's. */
export async function forgetAccess(ctx: Pick<StudiosContext, "redis" | "studios">, studioId: string): Promise<void> {
  ctx.studios.forgetAccess(studioId);
  await ctx.redis?.pub.publish(ACCESS_CHANNEL, studioId);
}

/** Listens for other processes' membership changes; returns the unsubscribe. */
export async function followAccessChanges(ctx: Pick<StudiosContext, "redis" | "studios">): Promise<() => void> {
  const redis = ctx.redis;
  if (!redis) return () => {};
  const onMessage = (channel: string, studioId: string) => {
    if (channel === ACCESS_CHANNEL) ctx.studios.forgetAccess(studioId);
  };
  redis.sub.on("message", onMessage);
  await redis.sub.subscribe(ACCESS_CHANNEL);
  return () => redis.sub.off("message", onMessage);
}

/** Current members only (the live room, writing); a leaver gets 403. */
export async function memberAccess(
  ctx: Pick<StudiosContext, "db" | "studios">,
  studioId: string,
  user: Pick<UserRow, "id">,
) {
  const access = await loadAccess(ctx, studioId);
  requireMember(access, user);
  return access;
}

/** Reading the record: members, and leavers up to the instant they left (`until`). */
export async function readAccess(
  ctx: Pick<StudiosContext, "db" | "studios">,
  studioId: string,
  user: Pick<UserRow, "id">,
) {
  const access = await loadAccess(ctx, studioId);
  return { access, until: readableUntil(access, user) };
}

// ---------- studios ----------

export async function createStudio(ctx: Ctx, admin: UserRow, input: CreateStudio): Promise<Studio> {
  const streetId = activityStreet(admin, input.streetId);
  requireCanCreateStudio(admin, streetId);
  const ids = [input.mentorId, ...input.menteeIds];
  const people = await loadPeople(ctx.db, inArray(users.id, ids));
  const byId = new Map(people.map((p) => [p.id, p]));
  const mentor = byId.get(input.mentorId);
  if (!mentor) throw invalidInput("导师不存在");
  const leadProblem = checkLead(input.kind, mentor);
  if (leadProblem) throw invalidInput(leadProblem);
  for (const id of input.menteeIds) {
    const mentee = byId.get(id);
    if (!mentee) throw invalidInput("学员不存在");
    const problem = checkMentee(input.kind, mentee);
    if (problem) throw invalidInput(problem);
  }
  // A street admin's studio keeps to the street: its mentor and mentees are the street's people.
  if (!isOrganiser(admin) && people.some((p) => factsOf(p).street !== streetId)) {
    throw forbidden("街道管理员只能为本街道的导师和书记创建工作室");
  }
  const startsAt = input.termStartsAt ? new Date(input.termStartsAt) : new Date();
  const endsAt = input.termEndsAt
    ? new Date(input.termEndsAt)
    : new Date(startsAt.getTime() + STUDIO_TERM_YEARS[input.kind] * YEAR_MS);
  if (endsAt <= startsAt) throw invalidInput("任期结束时间必须晚于开始时间");

  const studioId = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(studios)
      .values({
        name: input.name,
        kind: input.kind,
        mentorId: mentor.id,
        termStartsAt: startsAt,
        termEndsAt: endsAt,
        createdBy: admin.id,
        streetId,
      })
      .returning({ id: studios.id });
    await tx.insert(studioMembers).values([
      { studioId: row!.id, userId: mentor.id, role: "mentor" as const, joinedAt: startsAt },
      ...input.menteeIds.map((userId) => ({
        studioId: row!.id,
        userId,
        role: "mentee" as const,
        joinedAt: startsAt,
      })),
    ]);
    return row!.id;
  });
  for (const id of input.menteeIds) {
    void notify(ctx, {
      userId: id,
      kind: "studio_added",
      title: `你已加入${STUDIO_KIND_LABELS[input.kind]}「${input.name}」`,
      link: studioLink(studioId),
    }).catch((err) => ctx.log.warn({ err }, "studio notification failed"));
  }
  const [studio] = await studioSummaries(ctx, admin.id, [studioId]);
  return studio!;
}

/** User ids with at least one socket in the studio's room, on any process. */
export async function onlineUserIds(ctx: Pick<StudiosContext, "io">, studioId: string): Promise<Set<string>> {
  const sockets = await ctx.io.in(studioRoom(studioId)).fetchSockets();
  return new Set(sockets.map((s) => s.data.user?.id).filter(Boolean) as string[]);
}

/** Studios in their wire shape, with `viewerId`'s unread count. */
async function studioSummaries(
  ctx: Ctx,
  viewerId: string,
  ids: string[],
  online?: Map<string, Set<string>>,
): Promise<Studio[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.select().from(studios).where(inArray(studios.id, ids)).orderBy(desc(studios.createdAt));
  const members = await ctx.db
    .select({
      studioId: studioMembers.studioId,
      userId: studioMembers.userId,
      role: studioMembers.role,
      readSeq: studioMembers.readSeq,
      lastSeenAt: studioMembers.lastSeenAt,
      joinedAt: studioMembers.joinedAt,
      leftAt: studioMembers.leftAt,
      displayName: users.displayName,
      communityId: users.communityId,
    })
    .from(studioMembers)
    .innerJoin(users, eq(users.id, studioMembers.userId))
    .where(inArray(studioMembers.studioId, ids));
  const idList = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const unread = await queryRows<{ studio_id: string; n: number }>(
    ctx.db,
    sql`select m.studio_id, count(*)::int as n
        from studio_messages m join studio_members sm on sm.studio_id = m.studio_id and sm.user_id = ${viewerId}
        where m.studio_id in (${idList}) and sm.left_at is null and m.seq > sm.read_seq and m.author_id <> ${viewerId}
        group by m.studio_id`,
  );
  const last = await queryRows<{
    studio_id: string;
    seq: number;
    kind: string;
    text: string;
    created_at: string | Date;
    author_name: string;
    withdrawn: boolean;
  }>(
    ctx.db,
    sql`select m.studio_id, m.seq, m.kind, m.text, m.created_at, u.display_name as author_name, (m.withdrawn_at is not null) as withdrawn
        from studios s join studio_messages m on m.studio_id = s.id and m.seq = s.last_seq
        join users u on u.id = m.author_id
        where s.id in (${idList})`,
  );
  const unreadBy = new Map(unread.map((u) => [u.studio_id, Number(u.n)]));
  const lastBy = new Map(last.map((l) => [l.studio_id, l]));
  return rows.map((s) => {
    const here = members.filter((m) => m.studioId === s.id);
    const viewer = here.find((m) => m.userId === viewerId);
    // an admin listing every studio sees who is in it, never what they wrote; a leaver sees no newer line
    const l = viewer && !viewer.leftAt ? lastBy.get(s.id) : undefined;
    const onlineHere = online?.get(s.id);
    return {
      id: s.id,
      name: s.name,
      kind: s.kind,
      myLeftAt: viewer?.leftAt?.toISOString() ?? null,
      formerMembers: here
        .filter((m) => m.leftAt)
        .sort((a, b) => b.leftAt!.getTime() - a.leftAt!.getTime())
        .map((m) => ({
          userId: m.userId,
          displayName: m.displayName,
          role: m.role,
          joinedAt: m.joinedAt.toISOString(),
          leftAt: m.leftAt!.toISOString(),
        })),
      mentorId: s.mentorId,
      streetId: s.streetId,
      termStartsAt: s.termStartsAt.toISOString(),
      termEndsAt: s.termEndsAt.toISOString(),
      readOnly: s.termEndsAt.getTime() <= Date.now(),
      lastSeq: s.lastSeq,
      unread: unreadBy.get(s.id) ?? 0,
      lastMessage: l
        ? {
            seq: l.seq,
            // a system line (「…加入了工作室」) is the room's, not the organiser's who made the change
            authorName: l.kind === "system" ? "" : l.author_name,
            text: l.withdrawn ? "" : l.text.slice(0, 80),
            createdAt: new Date(l.created_at).toISOString(),
          }
        : null,
      createdAt: s.createdAt.toISOString(),
      members: here
        .filter((m) => !m.leftAt)
        .sort((a, b) => (a.role === b.role ? a.displayName.localeCompare(b.displayName) : a.role === "mentor" ? -1 : 1))
        .map(
          (m): StudioMember => ({
            userId: m.userId,
            displayName: m.displayName,
            role: m.role,
            communityId: m.communityId,
            readSeq: m.readSeq,
            online: onlineHere?.has(m.userId) ?? false,
            lastSeenAt: m.lastSeenAt?.toISOString() ?? null,
            joinedAt: m.joinedAt.toISOString(),
          }),
        ),
    };
  });
}

/** The studios a user belongs to; an admin may ask for every studio (`all`). */
export async function listStudios(ctx: Ctx, user: UserRow, all = false): Promise<Studio[]> {
  let ids: string[];
  if (all) {
    const scope = studioListScope(user);
    const where = scope === "all" ? undefined : eq(studios.streetId, scope.streetId);
    ids = (await ctx.db.select({ id: studios.id }).from(studios).where(where)).map((r) => r.id);
  } else {
    ids = (
      await ctx.db.select({ id: studioMembers.studioId }).from(studioMembers).where(eq(studioMembers.userId, user.id))
    ).map((r) => r.id);
  }
  return studioSummaries(ctx, user.id, ids);
}

/** One studio: for its members and leavers, and (members only, no messages) for those who oversee it. */
export async function getStudio(ctx: Ctx, user: UserRow, studioId: string): Promise<Studio> {
  const access = await loadAccess(ctx, studioId);
  if (!canOverseeStudio(user, access)) readableUntil(access, user);
  const online = await onlineUserIds(ctx, studioId);
  const [studio] = await studioSummaries(ctx, user.id, [studioId], new Map([[studioId, online]]));
  return studio!;
}

// ---------- messages ----------

/** Members @mentioned in the text by display name (or username). */
async function findMentions(
  ctx: Pick<StudiosContext, "db">,
  access: StudioAccess,
  authorId: string,
  text: string,
): Promise<string[]> {
  if (!text.includes("@")) return [];
  const others = [...access.members.keys()].filter((id) => id !== authorId);
  if (others.length === 0) return [];
  const rows = await ctx.db
    .select({ id: users.id, displayName: users.displayName, username: users.username })
    .from(users)
    .where(inArray(users.id, others));
  return rows.filter((u) => text.includes(`@${u.displayName}`) || text.includes(`@${u.username}`)).map((u) => u.id);
}

export interface Sent {
  message: StudioMessage;
  /** false when this was a retry of a message already stored */
  created: boolean;
}

/**
 * Stores a message and returns it once committed (see commitQueue.ts: the studio's counter row is
 * advanced in the same transaction, so seqs are ordered across processes and have no gaps); a retry
 * with the same clientId, even one racing the original, returns the stored message.
 * `senderSocketId`: the socket the send came from gets the message in its ack, not again as a push.
 */
export async function sendMessage(ctx: Ctx, user: UserRow, input: StudioSend, senderSocketId?: string): Promise<Sent> {
  const access = await loadAccess(ctx, input.studioId);
  requireWritable(access, user);
  await ctx.limits.posting.consume(user.id);
  const text = input.text.trim();
  if (text) await checkText(ctx, text);

  let reply: ReplyRef | null = null;
  if (input.replyTo) {
    const quoted = await messageById(ctx.db, input.studioId, input.replyTo);
    if (!quoted) throw invalidInput("引用的消息不存在");
    reply = {
      id: quoted.id,
      seq: quoted.seq,
      authorName: quoted.authorName,
      text: quoted.text,
      withdrawnAt: quoted.withdrawnAt ? new Date(quoted.withdrawnAt) : null,
    };
  }
  let attachment = null;
  if (input.attachmentId) {
    [attachment] = await attachmentsByIds(ctx.db, [input.attachmentId]);
    if (!attachment || attachment.studioId !== input.studioId) throw invalidInput("附件不存在");
  }
  const mentions = await findMentions(ctx, access, user.id, text);

  const result = await ctx.studios.commits.submit({
    studioId: input.studioId,
    clientId: input.clientId,
    authorId: user.id,
    text,
    replyToId: input.replyTo ?? null,
    attachmentId: input.attachmentId ?? null,
    mentions,
  });
  if ("duplicateOf" in result) {
    const existing = (await messageById(ctx.db, input.studioId, result.duplicateOf))!;
    if (existing.authorId !== user.id) throw invalidInput("clientId 已被使用");
    return { message: existing, created: false };
  }
  const row = result.row;
  const message = toMessage(row, user.displayName, reply, attachment ?? null);
  afterSend(ctx, access, user, message, senderSocketId);
  return { message, created: true };
}

/**
 * A new message goes to the studio's room and to every member's own room (Socket.IO sends it once
 * per socket), so a member's studio list and unread count update live without joining the room.
 */
export function broadcastMessage(
  ctx: Pick<StudiosContext, "io">,
  access: StudioAccess,
  message: StudioMessage,
  exceptSocketId?: string,
) {
  const rooms = [studioRoom(access.id), ...[...access.members.keys()].map(userRoom)];
  const to = exceptSocketId ? ctx.io.to(rooms).except(exceptSocketId) : ctx.io.to(rooms);
  to.emit("studio:message", { studioId: access.id, message });
}

/** Fan-out and @mention notifications, after the commit. */
export function afterSend(
  ctx: Ctx,
  access: StudioAccess,
  user: UserRow,
  message: StudioMessage,
  senderSocketId?: string,
) {
  broadcastMessage(ctx, access, message, senderSocketId);
  for (const userId of message.mentions) {
    void notify(ctx, {
      userId,
      kind: "studio_mention",
      title: `${user.displayName} 在「${access.name}」中提到了你`,
      body: message.text,
      link: studioLink(access.id, message.seq),
    }).catch((err) => ctx.log.warn({ err }, "mention notification failed"));
  }
}

async function changeMessage(
  ctx: Ctx,
  user: UserRow,
  studioId: string,
  messageId: string,
  check: (access: StudioAccess, row: typeof studioMessages.$inferSelect) => void,
  set: Partial<typeof studioMessages.$inferInsert>,
  /** more writes that belong with the change, in its transaction */
  alongside?: (tx: Db, access: StudioAccess, row: typeof studioMessages.$inferSelect) => Promise<void>,
): Promise<StudioMessage> {
  const access = await loadAccess(ctx, studioId);
  requireWritable(access, user);
  const [row] = await ctx.db
    .select()
    .from(studioMessages)
    .where(and(eq(studioMessages.studioId, studioId), eq(studioMessages.id, messageId)));
  if (!row) throw notFound("消息不存在");
  check(access, row);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(studioMessages)
      .set({ ...set, changedAt: new Date() })
      .where(eq(studioMessages.id, messageId));
    await alongside?.(tx, access, row);
  });
  const message = (await messageById(ctx.db, studioId, messageId))!;
  ctx.io.to(studioRoom(studioId)).emit("studio:update", { studioId, message });
  return message;
}

export async function editMessage(ctx: Ctx, user: UserRow, input: StudioEdit): Promise<StudioMessage> {
  await checkText(ctx, input.text);
  const now = new Date();
  return changeMessage(
    ctx,
    user,
    input.studioId,
    input.messageId,
    (_access, row) => {
      requireAuthor(row, user);
      if (row.withdrawnAt) throw invalidInput("消息已撤回，不能编辑");
      if (row.kind !== "text") throw invalidInput("任务消息不能编辑");
    },
    { text: input.text, editedAt: now },
  );
}

export async function withdrawMessage(
  ctx: Ctx,
  user: UserRow,
  studioId: string,
  messageId: string,
): Promise<StudioMessage> {
  return changeMessage(
    ctx,
    user,
    studioId,
    messageId,
    (_access, row) => {
      requireAuthor(row, user);
      if (row.withdrawnAt) throw invalidInput("消息已撤回");
    },
    { withdrawnAt: new Date(), pinnedAt: null },
  );
}

export async function pinMessage(ctx: Ctx, user: UserRow, studioId: string, messageId: string, pinned: boolean) {
  return changeMessage(
    ctx,
    user,
    studioId,
    messageId,
    (access, row) => {
      requireMentor(access, user);
      if (row.withdrawnAt) throw invalidInput("消息已撤回，不能置顶");
      if (row.kind === "system") throw invalidInput("系统消息不能置顶");
    },
    { pinnedAt: pinned ? new Date() : null },
    // pinned guidance is 成长档案 evidence for every mentee (unpinning later does not take it back)
    async (tx, access, row) => {
      if (!pinned || row.kind !== "text") return;
      const mentees = [...access.members].filter(([, role]) => role === "mentee").map(([id]) => id);
      await recordEvidence(tx, guidanceEvidence({ id: row.id, studioId, text: row.text }, mentees, new Date()));
    },
  );
}

/** Moves the member's read position forward (never back) and tells the room. */
export async function markRead(ctx: Ctx, user: UserRow, studioId: string, seq: number): Promise<number> {
  await memberAccess(ctx, studioId, user);
  const rows = await queryRows<{ read_seq: number }>(
    ctx.db,
    sql`update studio_members sm
        set read_seq = greatest(sm.read_seq, least(${seq}::int, s.last_seq))
        from studios s
        where s.id = sm.studio_id and sm.studio_id = ${studioId} and sm.user_id = ${user.id}
        returning sm.read_seq`,
  );
  const readSeq = Number(rows[0]?.read_seq ?? 0);
  ctx.io.to(studioRoom(studioId)).emit("studio:read", { studioId, userId: user.id, seq: readSeq });
  return readSeq;
}

export async function touchLastSeen(ctx: Pick<StudiosContext, "db">, studioIds: string[], userId: string, at: Date) {
  if (studioIds.length === 0) return;
  await ctx.db
    .update(studioMembers)
    .set({ lastSeenAt: at })
    .where(and(inArray(studioMembers.studioId, studioIds), eq(studioMembers.userId, userId)));
}
