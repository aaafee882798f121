import { isAdmin } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import { AppError, forbidden, notFound } from "../lib/errors.ts";

/**
 * Every permission of the Q&A board in one place, so a REST route and a socket event can't
 * disagree. `Viewer` is the signed-in user.
 */
export type Viewer = Pick<UserRow, "id" | "role">;

interface Post {
  authorId: string;
  hidden: boolean;
}

/** Admins and the author see the author of a pseudonymous question; peers see 匿名社工. */
export const canSeeAuthor = (viewer: Viewer, post: { authorId: string; anonymous: boolean }) =>
  !post.anonymous || post.authorId === viewer.id || isAdmin(viewer);

/** A hidden post exists only for admins and its author. */
export const canSeePost = (viewer: Viewer, post: Post) => !post.hidden || post.authorId === viewer.id || isAdmin(viewer);

export function assertCanSee(viewer: Viewer, post: Post): void {
  if (!canSeePost(viewer, post)) throw notFound("找不到该问题或回答");
}

export function assertCanEdit(viewer: Viewer, post: Post): void {
  assertCanSee(viewer, post);
  if (post.authorId !== viewer.id && !isAdmin(viewer)) throw forbidden("只能修改自己发布的内容");
}

/** Only the asker or an admin accepts an answer. */
export function assertCanAccept(viewer: Viewer, question: Post): void {
  assertCanSee(viewer, question);
  if (question.authorId !== viewer.id && !isAdmin(viewer)) throw forbidden("只有提问人或管理员可以采纳回答");
}

/** A vote says "others found this useful": nobody votes for their own question or answer. */
export function assertCanVote(viewer: Viewer, post: Post, kind: "question" | "answer"): void {
  assertCanSee(viewer, post);
  if (post.authorId === viewer.id) {
    throw new AppError(403, "self_vote", kind === "question" ? "不能给自己的问题点赞" : "不能给自己的回答点赞");
  }
}

export function assertModerator(viewer: Viewer): void {
  if (!isAdmin(viewer)) throw forbidden("只有管理员可以隐藏或恢复内容");
}

/** Admins schedule events and host them (the host is whichever admin scheduled it, or any admin). */
export function assertCanHost(viewer: Viewer): void {
  if (!isAdmin(viewer)) throw forbidden("只有管理员可以主持老书记论坛");
}

/** Those one may invite to answer. */
export const invitable = (user: Pick<UserRow, "role" | "disabled">) =>
  !user.disabled && (user.role === "veteran" || user.role === "mentor");
