import { canManageStreet, hasRole, isOrganiser, managedStreet } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { StudioKind } from "../../shared/vocabulary.ts";
import { forbidden, readOnly } from "../lib/errors.ts";

/**
 * Who may do what in a studio — the one place REST routes, socket handlers, attachments and
 * exports ask, so they cannot disagree.
 */
export interface StudioAccess {
  id: string;
  name: string;
  kind: StudioKind;
  mentorId: string;
  streetId: string | null;
  termStartsAt: Date;
  termEndsAt: Date;
  /** the people in the studio now: user id → role in this studio */
  members: Map<string, "mentor" | "mentee">;
  /** people taken out mid-term: user id → when they left */
  former: Map<string, Date>;
}

export function isMember(studio: StudioAccess, userId: string): boolean {
  return studio.members.has(userId);
}

/**
 * Reading a studio's record (history, search, tasks, attachments, exports): members read all of it,
 * someone taken out mid-term reads what was written up to the instant they left, others get 403.
 * Returns that instant, or null for no limit.
 */
export function readableUntil(studio: StudioAccess, user: Pick<UserRow, "id">): Date | null {
  if (isMember(studio, user.id)) return null;
  const leftAt = studio.former.get(user.id);
  if (leftAt) return leftAt;
  throw forbidden("你不是该工作室的成员");
}

/** Members now only: the live room and everything that writes. */
export function requireMember(studio: StudioAccess, user: Pick<UserRow, "id">): void {
  if (isMember(studio, user.id)) return;
  if (studio.former.has(user.id)) throw forbidden("你已离开该工作室，只能查看离开前的记录");
  throw forbidden("你不是该工作室的成员");
}

export function isReadOnly(studio: StudioAccess, now = Date.now()): boolean {
  return studio.termEndsAt.getTime() <= now;
}

/** Writing (messages, edits, pins, tasks, task states) needs membership and a running term. */
export function requireWritable(studio: StudioAccess, user: Pick<UserRow, "id">): void {
  requireMember(studio, user);
  if (isReadOnly(studio)) throw readOnly("工作室任期已结束，只能查看记录");
}

/** Only the mentor pins guidance and assigns tasks. */
export function requireMentor(studio: StudioAccess, user: Pick<UserRow, "id">): void {
  requireWritable(studio, user);
  if (studio.mentorId !== user.id) throw forbidden("只有导师可以执行此操作");
}

/** Only mentees acknowledge and complete tasks. */
export function requireMentee(studio: StudioAccess, user: Pick<UserRow, "id">): void {
  requireWritable(studio, user);
  if (studio.members.get(user.id) !== "mentee") throw forbidden("只有学员可以确认任务");
}

/** Only the author edits or withdraws a message. */
export function requireAuthor(message: { authorId: string }, user: Pick<UserRow, "id">): void {
  if (message.authorId !== user.id) throw forbidden("只能修改自己发送的消息");
}

/**
 * Studios are created by organisers, and by a street admin for their own street (the people in it
 * must be of that street too: see `createStudio`). Membership, not office, opens a studio's room.
 */
export function requireCanCreateStudio(user: Pick<UserRow, "roles" | "streetId">, streetId: string | null): void {
  if (!canManageStreet(user, streetId)) throw forbidden("只有组织部或本街道管理员可以创建工作室");
}

/** Every studio (the organisers' overview): organisers see all, a street admin their street's. */
export function studioListScope(user: Pick<UserRow, "roles" | "streetId">): "all" | { streetId: string } {
  if (isOrganiser(user)) return "all";
  const own = managedStreet(user);
  if (own) return { streetId: own };
  throw forbidden("只有组织部或街道管理员可以查看全部工作室");
}

/** Members change mid-term by the same people who create studios: organisers, or the street's admin. */
export function requireCanManageMembers(
  user: Pick<UserRow, "roles" | "streetId">,
  studio: Pick<StudioAccess, "streetId">,
): void {
  if (!canManageStreet(user, studio.streetId)) throw forbidden("只有组织部或本街道管理员可以调整工作室成员");
}

/** Organisers (and the street's admin) see a studio's members, never its messages, without being in it. */
export const canOverseeStudio = (user: Pick<UserRow, "roles" | "streetId">, studio: Pick<StudioAccess, "streetId">) =>
  canManageStreet(user, studio.streetId);

/**
 * Who may lead a studio and who may be taught in one, read from the role set and flags: a mentor
 * studio's lead is any 社区导师 (secretaries included) teaching 书记; a 帮带 studio's is a 老书记
 * with 书记后备人选.
 */
export function checkLead(kind: StudioKind, user: Pick<UserRow, "roles">): string | null {
  if (kind === "bangdai") return hasRole(user, "veteran") ? null : "帮带工作室须由“老书记”角色的用户带领";
  return hasRole(user, "mentor") ? null : "导师必须是“社区导师”角色的用户";
}

export function checkMentee(kind: StudioKind, user: Pick<UserRow, "roles" | "flags" | "displayName">): string | null {
  if (kind === "bangdai") return user.flags.includes("reserve") ? null : `${user.displayName} 不是书记后备人选`;
  return hasRole(user, "secretary") ? null : `${user.displayName} 不是社区党组织书记`;
}
