import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import {
  type BallotCodesView,
  type GenerateCodes,
  type GuestView,
  PEER_GROUP,
  type VenueInfo,
  type VenueJoin,
  type VenueState,
  groupName,
} from "../../shared/forums.ts";
import { recordAudit } from "../audit/service.ts";
import { generateSessionToken, type SessionRow, type UserRow } from "../auth/sessions.ts";
import { type AppContext, userRoom } from "../context.ts";
import { cookieFromHeader } from "../auth/handshake.ts";
import type { Db } from "../db/client.ts";
import { AppError, conflict, invalidInput, notFound } from "../lib/errors.ts";
import { forumBallotCodes, forumGuestSessions, forumGuests } from "./guestSchema.ts";
import { type ForumUser, requireHost } from "./policy.ts";
import { forums } from "./schema.ts";
import { findForumRow, type ForumRow } from "./service.ts";

/**
 * 现场评议: people in the hall vote and ask without accounts. A printed code or a device joining by
 * the venue QR becomes a *guest* of one forum; the guest's browser gets its own session cookie,
 * which the HTTP sign-in check never reads, so every normal route treats a guest as not signed in.
 * Guests reach the forum only through the routes here and the forum's Socket.IO audience events.
 */
export const GUEST_COOKIE = "guest_session";
/** a guest session outlives any hall day; it ends anyway when the forum ends */
const GUEST_SESSION_MS = 24 * 3600_000;
/** printable code alphabet: no 0/O, 1/I */
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export type GuestRow = typeof forumGuests.$inferSelect;

/** The room of one forum's guests (ended together when the forum ends). */
export const forumGuestsRoom = (forumId: string) => `forum:${forumId}:guests`;

const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

function randomCode(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
}

const gone = () => new AppError(410, "forum_ended", "本场论坛已结束，选票码已失效");

/** The guest as the forums feature sees a person: no roles, so every role check refuses them. */
export function guestUser(guest: Pick<GuestRow, "id" | "forumId" | "scoreGroup" | "mechanism">): ForumUser {
  return {
    id: guest.id,
    username: "",
    displayName: "现场观众",
    passwordHash: "",
    role: "guest" as UserRow["role"],
    roles: [],
    flags: [],
    level: "novice",
    communityId: null,
    partyMember: false,
    streetId: null,
    phone: null,
    hireDate: null,
    mustChangePassword: false,
    disabled: false,
    createdAt: new Date(0),
    guest: { forumId: guest.forumId, group: guest.scoreGroup, mechanism: guest.mechanism },
  };
}

function requireGuestableForum(forum: ForumRow): void {
  if (forum.mode !== "examination") throw invalidInput("只有群众考书记可以现场评议");
  if (forum.status === "ended") throw gone();
}

function requireHallGroup(forum: ForumRow, group: string): void {
  if (group === PEER_GROUP || !forum.scoreGroups.some((g) => g.id === group)) throw invalidInput("没有这个评分群体");
}

// ——— the host's tools ———

export async function generateCodes(ctx: AppContext, user: UserRow, forumId: string, input: GenerateCodes) {
  const forum = await findForumRow(ctx.db, forumId);
  requireHost(user, forum);
  requireGuestableForum(forum);
  requireHallGroup(forum, input.group);
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .insert(forumBallotCodes)
      .values(
        Array.from({ length: input.count }, () => ({
          forumId,
          code: randomCode(),
          scoreGroup: input.group,
          createdBy: user.id,
        })),
      )
      .returning();
    await recordAudit(tx, {
      actorId: user.id,
      action: "forum.ballot_codes",
      targetType: "forum",
      targetId: forumId,
      after: { group: input.group, count: input.count },
    });
    return rows.map((r) => ({ id: r.id, code: r.code, group: r.scoreGroup, used: false }));
  });
}

async function venueState(db: Db, forum: ForumRow): Promise<VenueState> {
  const taken = await db
    .select({ group: forumGuests.scoreGroup, n: count() })
    .from(forumGuests)
    .where(and(eq(forumGuests.forumId, forum.id), eq(forumGuests.mechanism, "venue")))
    .groupBy(forumGuests.scoreGroup);
  return { code: forum.venueCode, caps: forum.venueCaps, taken: Object.fromEntries(taken.map((t) => [t.group, t.n])) };
}

export async function ballotCodes(ctx: AppContext, user: UserRow, forumId: string): Promise<BallotCodesView> {
  const forum = await findForumRow(ctx.db, forumId);
  requireHost(user, forum);
  const rows = await ctx.db
    .select()
    .from(forumBallotCodes)
    .where(eq(forumBallotCodes.forumId, forumId))
    .orderBy(asc(forumBallotCodes.createdAt), asc(forumBallotCodes.code));
  return {
    codes: rows.map((r) => ({ id: r.id, code: r.code, group: r.scoreGroup, used: r.guestId !== null })),
    venue: await venueState(ctx.db, forum),
  };
}

/** Sets the venue caps; the first time, makes the code the projector's QR carries. */
export async function setVenueCaps(
  ctx: AppContext,
  user: UserRow,
  forumId: string,
  caps: Record<string, number>,
): Promise<VenueState> {
  const forum = await findForumRow(ctx.db, forumId);
  requireHost(user, forum);
  requireGuestableForum(forum);
  for (const group of Object.keys(caps)) requireHallGroup(forum, group);
  const venueCode = forum.venueCode ?? generateSessionToken();
  await ctx.db.transaction(async (tx) => {
    await tx.update(forums).set({ venueCaps: caps, venueCode }).where(eq(forums.id, forumId));
    await recordAudit(tx, {
      actorId: user.id,
      action: "forum.venue_caps",
      targetType: "forum",
      targetId: forumId,
      before: forum.venueCaps,
      after: caps,
    });
  });
  return venueState(ctx.db, { ...forum, venueCaps: caps, venueCode });
}

// ——— guests opening a session ———

async function openSession(ctx: AppContext, db: Db, guest: GuestRow): Promise<string> {
  // one device at a time: a code whose holder is connected right now is refused on a second device
  const live = await ctx.io.in(userRoom(guest.id)).fetchSockets();
  if (live.length > 0) throw conflict("该选票码正在另一台设备上使用");
  // a new device takes over (the first one's session ends): at most one session per voter
  await db.delete(forumGuestSessions).where(eq(forumGuestSessions.guestId, guest.id));
  const token = generateSessionToken();
  await db
    .insert(forumGuestSessions)
    .values({ id: hashToken(token), guestId: guest.id, expiresAt: new Date(Date.now() + GUEST_SESSION_MS) });
  return token;
}

async function viewOf(db: Db, guest: GuestRow): Promise<GuestView> {
  const forum = await findForumRow(db, guest.forumId);
  return {
    id: guest.id,
    forumId: forum.id,
    forumTitle: forum.title,
    group: guest.scoreGroup,
    groupName: groupName({ groups: forum.scoreGroups }, guest.scoreGroup),
    mechanism: guest.mechanism,
  };
}

/** A printed code: the first use makes it a guest; later uses (a new phone) are the same voter. */
export async function redeemCode(
  ctx: AppContext,
  code: string,
): Promise<{ guest: GuestView; token: string; expiresAt: Date }> {
  const { guest, token } = await ctx.db.transaction(async (tx) => {
    // the row lock makes two phones with the same code take turns
    const [row] = await tx.select().from(forumBallotCodes).where(eq(forumBallotCodes.code, code)).for("update");
    if (!row) throw notFound("选票码无效，请核对后重新输入");
    const forum = await findForumRow(tx as unknown as Db, row.forumId);
    requireGuestableForum(forum);
    let guest: GuestRow | undefined;
    if (row.guestId) [guest] = await tx.select().from(forumGuests).where(eq(forumGuests.id, row.guestId));
    if (!guest) {
      [guest] = await tx
        .insert(forumGuests)
        .values({ forumId: row.forumId, scoreGroup: row.scoreGroup, mechanism: "printed" })
        .returning();
      await tx
        .update(forumBallotCodes)
        .set({ guestId: guest!.id, usedAt: new Date() })
        .where(eq(forumBallotCodes.id, row.id));
    }
    return { guest: guest!, token: await openSession(ctx, tx as unknown as Db, guest!) };
  });
  return { guest: await viewOf(ctx.db, guest), token, expiresAt: new Date(Date.now() + GUEST_SESSION_MS) };
}

async function forumByVenueCode(db: Db, venueCode: string): Promise<ForumRow> {
  if (!/^[a-z2-7]{32}$/.test(venueCode)) throw notFound("二维码无效");
  const [forum] = await db.select().from(forums).where(eq(forums.venueCode, venueCode));
  if (!forum) throw notFound("二维码无效");
  return forum;
}

export async function venueInfo(ctx: AppContext, venueCode: string): Promise<VenueInfo> {
  const forum = await forumByVenueCode(ctx.db, venueCode);
  const state = await venueState(ctx.db, forum);
  return {
    forumId: forum.id,
    forumTitle: forum.title,
    status: forum.status,
    groups: forum.scoreGroups
      .filter((g) => (forum.venueCaps[g.id] ?? 0) > 0)
      .map((g) => ({
        id: g.id,
        name: g.name,
        remaining: Math.max(0, (forum.venueCaps[g.id] ?? 0) - (state.taken[g.id] ?? 0)),
      })),
  };
}

/**
 * A device joins by the venue QR. With its device token it is the voter it was before (its first
 * group stays); without one it takes a place in the chosen group, if the group's cap allows. The
 * forum row is locked while counting, so concurrent devices can't overshoot the cap.
 */
export async function venueJoin(
  ctx: AppContext,
  venueCode: string,
  input: VenueJoin,
): Promise<{ guest: GuestView; token: string; expiresAt: Date; deviceToken: string }> {
  const { guest, token, deviceToken } = await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const [forum] = await tx.select().from(forums).where(eq(forums.venueCode, venueCode)).for("update");
    if (!forum) throw notFound("二维码无效");
    requireGuestableForum(forum);
    if (input.deviceToken) {
      const [known] = await tx
        .select()
        .from(forumGuests)
        .where(and(eq(forumGuests.deviceTokenHash, hashToken(input.deviceToken)), eq(forumGuests.forumId, forum.id)));
      if (known) return { guest: known, token: await openSession(ctx, db, known), deviceToken: input.deviceToken };
    }
    if (!input.group) throw invalidInput("请选择您所在的群体");
    requireHallGroup(forum, input.group);
    const cap = forum.venueCaps[input.group] ?? 0;
    const [taken] = await tx
      .select({ n: count() })
      .from(forumGuests)
      .where(
        and(
          eq(forumGuests.forumId, forum.id),
          eq(forumGuests.scoreGroup, input.group),
          eq(forumGuests.mechanism, "venue"),
        ),
      );
    if ((taken?.n ?? 0) >= cap) throw conflict("该群体的名额已满");
    const newToken = generateSessionToken();
    const [guest] = await tx
      .insert(forumGuests)
      .values({ forumId: forum.id, scoreGroup: input.group, mechanism: "venue", deviceTokenHash: hashToken(newToken) })
      .returning();
    return { guest: guest!, token: await openSession(ctx, db, guest!), deviceToken: newToken };
  });
  return { guest: await viewOf(ctx.db, guest), token, expiresAt: new Date(Date.now() + GUEST_SESSION_MS), deviceToken };
}

// ——— guest sessions ———

/** The guest behind a session token, or null when unknown, expired, or their forum has ended. */
export async function validateGuestSession(
  db: Db,
  token: string | undefined,
): Promise<{ guest: GuestRow; session: SessionRow } | null> {
  if (!token || !/^[a-z2-7]{32}$/.test(token)) return null;
  const id = hashToken(token);
  const [row] = await db
    .select({ session: forumGuestSessions, guest: forumGuests, status: forums.status })
    .from(forumGuestSessions)
    .innerJoin(forumGuests, eq(forumGuests.id, forumGuestSessions.guestId))
    .innerJoin(forums, eq(forums.id, forumGuests.forumId))
    .where(eq(forumGuestSessions.id, id));
  if (!row) return null;
  if (Date.now() >= row.session.expiresAt.getTime() || row.status === "ended") {
    await db.delete(forumGuestSessions).where(eq(forumGuestSessions.id, id));
    return null;
  }
  return { guest: row.guest, session: { id, userId: row.guest.id, expiresAt: row.session.expiresAt } };
}

export async function guestView(db: Db, guest: GuestRow): Promise<GuestView> {
  return viewOf(db, guest);
}

/** The forum ended: its guests' sessions end and their sockets are closed, on every process. */
export async function endForumGuests(ctx: AppContext, forumId: string): Promise<void> {
  const ids = ctx.db.select({ id: forumGuests.id }).from(forumGuests).where(eq(forumGuests.forumId, forumId));
  await ctx.db.delete(forumGuestSessions).where(inArray(forumGuestSessions.guestId, ids));
  ctx.io.to(forumGuestsRoom(forumId)).emit("session:ended", { reason: "expired" });
  ctx.io.in(forumGuestsRoom(forumId)).disconnectSockets(true);
}

/**
 * The Socket.IO handshake of a guest: the guest cookie must name a live session, and no other
 * session of the same voter may be connected (a code works on one device at a time).
 */
export async function guestHandshake(
  ctx: AppContext,
  cookieHeader: string | undefined,
): Promise<{ user: UserRow; session: SessionRow } | null> {
  const found = await validateGuestSession(ctx.db, cookieFromHeader(cookieHeader, GUEST_COOKIE));
  if (!found) return null;
  const others = await ctx.io.in(userRoom(found.guest.id)).fetchSockets();
  if (others.some((s) => s.data.session?.id !== found.session.id)) return null;
  return { user: guestUser(found.guest), session: found.session };
}
