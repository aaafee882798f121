import { EDITABLE_STATUSES, type MemberRole, type ProposalRole, type ProposalStatus } from "../../shared/proposals.ts";
import { hasRole, isOrganiser } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import { forbidden, readOnly } from "../lib/errors.ts";

/** Reviewers are mentors, organisers or admins. */
export const canReview = (user: Pick<UserRow, "roles">) => hasRole(user, "mentor") || isOrganiser(user);

/** Who may look people up to add them: proposal owners-to-be (secretaries) and organisers. */
export const canSearchPeople = (user: Pick<UserRow, "roles">) => hasRole(user, "secretary") || isOrganiser(user);

/**
 * Who may do what on a proposal. Every route and the Yjs door ask here; nothing else decides.
 *
 * - owner, editor: write the document only while `draft` or `returned`
 * - viewer, reviewer, admin: read the document, comment, export
 * - anybody else: refused
 */
export interface ProposalFacts {
  ownerId: string;
  status: ProposalStatus;
  memberRole: MemberRole | null;
  isReviewer: boolean;
}

export function roleOf(user: Pick<UserRow, "id" | "roles">, facts: ProposalFacts): ProposalRole | null {
  if (facts.ownerId === user.id) return "owner";
  if (facts.memberRole) return facts.memberRole;
  if (facts.isReviewer) return "reviewer";
  // organisers (and admins, who hold their powers) oversee every proposal
  if (isOrganiser(user)) return "admin";
  return null;
}

export const isWriterRole = (role: ProposalRole | null) => role === "owner" || role === "editor";

/** Whether this user may change the document right now. */
export function canEditDoc(role: ProposalRole | null, status: ProposalStatus): boolean {
  return isWriterRole(role) && EDITABLE_STATUSES.includes(status);
}

export function docAccess(role: ProposalRole | null, status: ProposalStatus): "write" | "read" | null {
  if (!role) return null;
  return canEditDoc(role, status) ? "write" : "read";
}

export function requireRead(role: ProposalRole | null): asserts role is ProposalRole {
  if (!role) throw forbidden("你不是该项目的成员");
}

export function requireWriter(role: ProposalRole | null): void {
  requireRead(role);
  if (!isWriterRole(role)) throw forbidden("只有项目负责人和编辑可以执行此操作");
}

export function requireEditable(role: ProposalRole | null, status: ProposalStatus): void {
  requireWriter(role);
  if (!EDITABLE_STATUSES.includes(status)) throw readOnly("项目已提交，退回前不能修改");
}

export function requireOwnerOrAdmin(user: Pick<UserRow, "roles">, role: ProposalRole | null): void {
  requireRead(role);
  if (role !== "owner" && !isOrganiser(user)) throw forbidden("只有项目负责人或管理员可以管理成员");
}

/** Who may create a proposal for a community: its secretary, or an admin. */
export function requireCanCreate(user: Pick<UserRow, "roles" | "communityId">, communityId: string): void {
  if (isOrganiser(user)) return;
  if (hasRole(user, "secretary") && user.communityId === communityId) return;
  throw forbidden("只有本社区书记或管理员可以创建党建创新项目");
}

/** Review decisions: return by a reviewer or an admin; approve by an admin. */
export function requireReviewerOrAdmin(user: Pick<UserRow, "roles">, role: ProposalRole | null): void {
  requireRead(role);
  if (role !== "reviewer" && !isOrganiser(user)) throw forbidden("只有评审人或管理员可以执行此操作");
}

export function requireOwner(role: ProposalRole | null): void {
  if (role !== "owner") throw forbidden("只有项目负责人可以提交");
}

/** Reviewers are assigned by organisers (and admins, who hold their powers). */
export function requireCanAssignReviewers(user: Pick<UserRow, "roles">): void {
  if (!isOrganiser(user)) throw forbidden("只有组织部或管理员可以指派评审人");
}

export function requireCanApprove(user: Pick<UserRow, "roles">): void {
  if (!isOrganiser(user)) throw forbidden("只有组织部或管理员可以通过项目");
}

/** Scores come only from the reviewers assigned to the proposal. */
export function requireReviewer(role: ProposalRole | null): void {
  if (role !== "reviewer") throw forbidden("只有指派的评审人可以评分");
}

/** A comment thread is resolved by its author, the owner, an editor or an organiser. */
export function requireCanResolve(user: Pick<UserRow, "id" | "roles">, role: ProposalRole, authorId: string): void {
  if (authorId === user.id || isWriterRole(role) || isOrganiser(user)) return;
  throw forbidden("只有评论人、项目负责人或编辑可以标记解决");
}
