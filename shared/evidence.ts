/**
 * 成长档案 evidence: what a worker did in the hub that shows growth along 六能力. Each feature
 * writes its facts through server/evidence; reports read them back. Zod-free so the client can
 * import the labels.
 */
export const EVIDENCE_KINDS = [
  /** a training, forum or 老书记论坛 event attended (from a check-in) */
  "attended",
  /** a talk given at a 书记论坛 / 群众考书记, with its score sheet */
  "talk_given",
  /** a mentor's studio task completed */
  "task_completed",
  /** a pinned guidance message received in a studio */
  "guidance_received",
  "proposal_submitted",
  /** a 党建创新项目 approved, with its review score */
  "proposal_approved",
  /** an answer on the 老书记 board that the asker accepted */
  "answer_accepted",
  /** a question answered at a live 老书记论坛 */
  "event_question_answered",
  /** a 群众考书记 commitment (承诺事项) kept */
  "commitment_kept",
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const EVIDENCE_KIND_LABELS: Record<EvidenceKind, string> = {
  attended: "参加活动",
  talk_given: "登台述职",
  task_completed: "完成带教任务",
  guidance_received: "获得导师指导",
  proposal_submitted: "提交项目申报",
  proposal_approved: "项目通过评审",
  answer_accepted: "回答被采纳",
  event_question_answered: "论坛答疑",
  commitment_kept: "兑现承诺",
};

/** What an evidence item points back to; `sourceId` is that row's id. */
export const EVIDENCE_SOURCES = [
  "training",
  "forum",
  "event",
  "forum_talk",
  "studio_task",
  "studio_message",
  "proposal",
  "qa_answer",
  "qa_event_question",
  "commitment",
] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

/** Where an item's source can be opened in the hub, from its kind, id and the parent ids kept in `detail`. */
export function evidenceLink(item: {
  sourceKind: EvidenceSource;
  sourceId: string;
  detail: Record<string, unknown>;
}): string | null {
  const parent = (key: string) => (typeof item.detail[key] === "string" ? (item.detail[key] as string) : null);
  switch (item.sourceKind) {
    case "training":
      return `/trainings/${item.sourceId}`;
    case "forum":
      return `/forums/${item.sourceId}`;
    case "event":
      return `/qa/events/${item.sourceId}`;
    case "forum_talk":
      return parent("forumId") && `/forums/${parent("forumId")}/archive`;
    case "studio_task":
    case "studio_message":
      return parent("studioId") && `/studios/${parent("studioId")}`;
    case "proposal":
      return `/proposals/${item.sourceId}`;
    case "qa_answer":
      return parent("questionId") && `/qa/questions/${parent("questionId")}`;
    case "qa_event_question":
      return `/qa/questions/${item.sourceId}`;
    case "commitment":
      return null;
  }
}
