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

/** Only an admin (区委组织部 / 民政局) creates studios. */
export function requireAdmin(user: Pick<UserRow, "role">): void {
  if (user.role !== "admin") throw forbidden("只有管理员可以创建工作室");
}
