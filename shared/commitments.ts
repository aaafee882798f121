/* Wire contract of 承诺事项: what a secretary promised at 现场问政, carried to their next 述职. */
import { z } from "zod";
import { IdSchema } from "./ids.ts";

import { COMMITMENT_STATUSES, type CommitmentStatus } from "./vocabulary.ts";

export { COMMITMENT_STATUS_LABELS, COMMITMENT_STATUSES, type CommitmentStatus } from "./vocabulary.ts";

export const COMMITMENT_CONTENT_MAX = 500;
export const COMMITMENT_NOTE_MAX = 500;

/**
 * `POST /api/forums/:id/commitments` (the forum's host): a question the secretary promised to act on.
 * The owner defaults to the presenter of the question's talk.
 */
export const CreateCommitmentSchema = z.object({
  questionId: IdSchema.optional(),
  ownerId: IdSchema.optional(),
  content: z
    .string()
    .trim()
    .min(1, "请填写承诺内容")
    .max(COMMITMENT_CONTENT_MAX, `承诺内容最多 ${COMMITMENT_CONTENT_MAX} 个字`),
  dueOn: z.iso.date("日期格式应为 YYYY-MM-DD"),
});
export type CreateCommitment = z.infer<typeof CreateCommitmentSchema>;

/** `PATCH /api/commitments/:id` (the owner or an organiser over the forum's street) */
export const UpdateCommitmentSchema = z.object({
  status: z.enum(COMMITMENT_STATUSES),
  note: z.string().trim().max(COMMITMENT_NOTE_MAX, `说明最多 ${COMMITMENT_NOTE_MAX} 个字`).default(""),
});
export type UpdateCommitment = z.infer<typeof UpdateCommitmentSchema>;

export interface Commitment {
  id: string;
  forumId: string;
  forumTitle: string;
  /** when the forum was held (its start, or the planned start) */
  forumAt: string;
  /** the question it answers; its asker is never part of this payload */
  questionId: string | null;
  ownerId: string;
  ownerName: string;
  content: string;
  /** YYYY-MM-DD */
  dueOn: string;
  status: CommitmentStatus;
  note: string;
  updatedAt: string;
  /** the recipient may change the status (the owner, or an organiser over the forum's street) */
  canUpdate: boolean;
}
