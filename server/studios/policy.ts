import { canManageStreet, hasRole, isOrganiser, managedStreet } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import { forbidden, readOnly } from "../lib/errors.ts";

/**
 * Who may do what in a studio — the one place REST routes, socket handlers, attachments and
 * exports ask, so they cannot disagree.
 */
export interface StudioAccess {
  id: string;
  name: string;
  mentorId: string;
  termStartsAt: Date;
  termEndsAt: Date;
  /** user id → role in this studio */
  members: Map<string, "mentor" | "mentee">;
}

export function isMember(studio: StudioAccess, userId: string): boolean {
  return studio.members.has(userId);
}

/** Members only: history, the live room, attachments, search and exports. Others get 403. */
export function requireMember(studio: StudioAccess, user: Pick<UserRow, "id">): void {
  if (!isMember(studio, user.id)) throw forbidden("你不是该工作室的成员");
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

/** Who may lead a studio and who may be taught in one, read from the role set. */
export const canLeadStudio = (user: Pick<UserRow, "roles">) => hasRole(user, "mentor");
export const canJoinAsMentee = (user: Pick<UserRow, "roles">) => hasRole(user, "secretary");
