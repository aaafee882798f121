import type { UserRow } from "../auth/sessions.ts";
import { canManageStreet } from "../auth/policy.ts";
import { isHost } from "../forums/policy.ts";

/**
 * Who may do what with 承诺事项. The forum's host records a promise made on stage; its status is
 * the owner's to report, and the organisers over the forum's street may correct it.
 */
type Who = Pick<UserRow, "id" | "roles" | "streetId">;
type ForumLike = { hostId: string; currentTalkId: string | null; streetId: string | null };

export const canRecordCommitment = (user: Who, forum: ForumLike) => isHost(user, forum);

export const canUpdateCommitment = (user: Who, commitment: { ownerId: string }, forum: { streetId: string | null }) =>
  commitment.ownerId === user.id || canManageStreet(user, forum.streetId);
