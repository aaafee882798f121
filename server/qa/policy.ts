import { canManageStreet, hasAnyRole, isOrganiser } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import { AppError, forbidden, notFound } from "../lib/errors.ts";

/**
 * Every permission of the Q&A board in one place, so a REST route and a socket event can't
 * disagree. `Viewer` is the signed-in user.
 */
export type Viewer = Pick<UserRow, "id" | "roles" | "streetId">;

interface Post {
  authorId: string;
  hidden: boolean;
}

/** Organisers and the author see the author of a pseudonymous question; peers see 匿名社工. */
export const canSeeAuthor = (viewer: Viewer, post: { authorId: string; anonymous: boolean }) =>
  !post.anonymous || post.authorId === viewer.id || isOrganiser(viewer);

/** A hidden post exists only for organisers (moderators) and its author. */
export const canSeePost = (viewer: Viewer, post: Post) =>
  !post.hidden || post.authorId === viewer.id || isOrganiser(viewer);

export function assertCanSee(viewer: Viewer, post: Post): void {
  if (!canSeePost(viewer, post)) throw notFound("找不到该问题或回答");
}

export function assertCanEdit(viewer: Viewer, post: Post): void {
  assertCanSee(viewer, post);
  if (post.authorId !== viewer.id && !isOrganiser(viewer)) throw forbidden("只能修改自己发布的内容");
}

/** Only the asker or an admin accepts an answer. */
export function assertCanAccept(viewer: Viewer, question: Post): void {
  assertCanSee(viewer, question);
  if (question.authorId !== viewer.id && !isOrganiser(viewer)) throw forbidden("只有提问人或管理员可以采纳回答");
}

/** A vote says "others found this useful": nobody votes for their own question or answer. */
export function assertCanVote(viewer: Viewer, post: Post, kind: "question" | "answer"): void {
  assertCanSee(viewer, post);
  if (post.authorId === viewer.id) {
    throw new AppError(403, "self_vote", kind === "question" ? "不能给自己的问题点赞" : "不能给自己的回答点赞");
  }
}

export function assertModerator(viewer: Viewer): void {
  if (!isOrganiser(viewer)) throw forbidden("只有组织部或管理员可以隐藏或恢复内容");
}

/**
 * 老书记论坛 events are scheduled and hosted by organisers, and by a street admin for their own
 * street's events (`streetId` null = a district-level event).
 */
export function assertCanHost(viewer: Viewer, streetId: string | null): void {
  if (!canManageStreet(viewer, streetId)) throw forbidden("只有组织部或本街道管理员可以主持老书记论坛");
}

/** Those one may invite to answer. */
export const invitable = (user: Pick<UserRow, "roles" | "disabled">) =>
  !user.disabled && hasAnyRole(user, ["veteran", "mentor"]);
