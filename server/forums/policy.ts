import {
  type BallotMechanism,
  isTalkEditable,
  PEER_GROUP,
  type ScoreGroup,
  type ScoreGroupDef,
} from "../../shared/forums.ts";
import { canManageStreet, hasAnyRole, hasRole, isAnyOrganiser } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import { forbidden } from "../lib/errors.ts";

/**
 * Who may do what in a forum — the one place REST routes, socket handlers and payload shaping ask,
 * so they cannot disagree. Organisers host any forum; a street admin hosts their street's forums.
 */
type Who = Pick<UserRow, "id" | "roles" | "streetId">;
type ForumLike = { hostId: string; currentTalkId: string | null; streetId: string | null };
type TalkLike = { id: string; presenterId: string };

/** Roles that present talks at 书记论坛 / 群众考书记, offered when building an agenda. */
export const PRESENTER_ROLES = ["secretary", "veteran", "mentor", "organiser", "street_admin", "admin"] as const;

/** 书记论坛 and 群众考书记 are scheduled by organisers (district or street) and by secretaries. */
export const canCreateForum = (user: Who) => isAnyOrganiser(user) || hasRole(user, "secretary");

/** The host runs the forum: its creator, or an organiser over the forum's street. */
export const isHost = (user: Who, forum: ForumLike) =>
  forum.hostId === user.id || canManageStreet(user, forum.streetId);

/** Who may be put on an agenda: anyone holding one of the presenting roles. */
export const canPresentTalks = (user: Pick<UserRow, "roles">) => hasAnyRole(user, PRESENTER_ROLES);

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

/**
 * Who may open the moderation view (审核/实名), the one place an anonymous asker is named: the
 * forum's hosts and the organisers over its street. No live payload names them, to anyone.
 */
export const reviewsAuthors = (user: Who, forum: ForumLike) => isHost(user, forum);

/** Questions awaiting approval (群众考书记) reach only the host (and the forum's organisers). */
export const seesPending = (user: Who, forum: ForumLike) => isHost(user, forum);

/**
 * A guest of the hall (现场评议): no account, bound to one forum, in one scoring group for good.
 * Guests reach the forums feature as a user-shaped object carrying `guest` and no roles, so every
 * role check refuses them; they never pass the HTTP sign-in check (see guests.ts).
 */
export interface GuestInfo {
  forumId: string;
  group: ScoreGroup;
  mechanism: "printed" | "venue";
}
export type ForumUser = UserRow & { guest?: GuestInfo };
export const guestOf = (user: UserRow): GuestInfo | null => (user as ForumUser).guest ?? null;

/**
 * The group a person scores in, or null when they don't score: a guest scores in their own group
 * (in their own forum only); a signed-in secretary as 同行书记 when the host allows it; other
 * signed-in people never — self-registration is open, so an account is not one voter.
 */
export function scoreGroupOf(
  user: Pick<UserRow, "roles">,
  forum: { id: string; groups: ScoreGroupDef[]; peerScoring: boolean },
): ScoreGroup | null {
  const guest = guestOf(user as UserRow);
  if (guest) return guest.forumId === forum.id && forum.groups.some((g) => g.id === guest.group) ? guest.group : null;
  if (forum.peerScoring && hasRole(user, "secretary") && forum.groups.some((g) => g.id === PEER_GROUP))
    return PEER_GROUP;
  return null;
}

export const ballotMechanism = (user: UserRow): BallotMechanism => guestOf(user)?.mechanism ?? "account";

export function requireHost(user: Who, forum: ForumLike): void {
  if (!isHost(user, forum)) throw forbidden("只有主持人可以执行此操作");
}
