import { isTalkEditable, type ScoreGroup } from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import { forbidden } from "../lib/errors.ts";

/**
 * Who may do what in a forum — the one place REST routes, socket handlers and payload shaping ask,
 * so they cannot disagree.
 */
type Who = Pick<UserRow, "id" | "role" | "partyMember">;
type ForumLike = { hostId: string; currentTalkId: string | null };
type TalkLike = { id: string; presenterId: string };

/** 书记论坛 and 群众考书记 are scheduled by 区委组织部 staff and by secretaries. */
export const canCreateForum = (user: Who) => user.role === "admin" || user.role === "secretary";

/** The host runs the forum: its creator, or any admin. */
export const isHost = (user: Who, forum: ForumLike) => user.role === "admin" || forum.hostId === user.id;

/** The presenter of the talk that is on now. */
export const isCurrentPresenter = (user: Who, forum: ForumLike, talk: TalkLike | undefined) =>
  !!talk && forum.currentTalkId === talk.id && talk.presenterId === user.id;

/** Slides move by the current talk's presenter or the host. */
export const canPresent = (user: Who, forum: ForumLike, talk: TalkLike | undefined) =>
  isHost(user, forum) || isCurrentPresenter(user, forum, talk);

/** A talk's deck is managed by its presenter or the host, whether or not it is on now (notes: `canUseNotes`). */
export const canManageTalk = (user: Who, forum: ForumLike, talk: TalkLike) =>
  isHost(user, forum) || talk.presenterId === user.id;

/**
 * Presenter notes are the presenter's own crib sheet: nobody else reads or writes them — not the
 * host, not an admin — so they are never part of a payload sent to anyone else.
 */
export const canUseNotes = (user: Who, talk: TalkLike) => talk.presenterId === user.id;

type AgendaForum = { status: "scheduled" | "live" | "ended"; currentTalkId: string | null };
type AgendaTalk = { id: string; startedAt: Date | null };

/** The forum itself (title, mode, time, theme), its deletion and the order of talks: only before the start. */
export const agendaOpen = (forum: AgendaForum) => forum.status === "scheduled";

/** Before the start any talk; once live only one not yet given; nothing after the end (shared with the client). */
export const talkEditable = (forum: AgendaForum, talk: AgendaTalk) => isTalkEditable(forum, talk);

/**
 * Approving a pre-moderated question is the host's call; the presenter of the talk on stage may
 * also mark answered, highlight and dismiss.
 */
export function canModerate(user: Who, forum: ForumLike, currentTalk: TalkLike | undefined, action: string): boolean {
  if (isHost(user, forum)) return true;
  if (action === "approve") return false;
  return isCurrentPresenter(user, forum, currentTalk);
}

/** Anonymous authors are visible to admins only — in the payloads, not just the UI. */
export const seesAuthors = (user: Pick<UserRow, "role">) => user.role === "admin";

/** Questions awaiting approval (群众考书记) reach only the host (and admins). */
export const seesPending = (user: Who, forum: ForumLike) => isHost(user, forum);

/** Scoring group: 同行书记 first, then 党员, everyone else counts with 居民群众. */
export function scoreGroupOf(user: Pick<UserRow, "role" | "partyMember">): ScoreGroup {
  if (user.role === "secretary") return "secretaries";
  if (user.partyMember) return "partyMembers";
  return "residents";
}

export function requireHost(user: Who, forum: ForumLike): void {
  if (!isHost(user, forum)) throw forbidden("只有主持人可以执行此操作");
}
