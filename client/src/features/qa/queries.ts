import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type {
  Answer,
  LeaderboardEntry,
  QaAuditEntry,
  QaEvent,
  QaEventState,
  QaReport,
  Question,
  QuestionListItem,
  VeteranProfile,
} from "../../../../shared/qa.ts";
import type { Level, Role } from "../../../../shared/vocabulary.ts";
import { api } from "../../api.ts";
import { emitWithAck, getSocket } from "../../socket.ts";

/** REST calls of the area, typed by the shared contract. */
export const qaApi = {
  list: (params: URLSearchParams, signal?: AbortSignal) =>
    api<{ questions: QuestionListItem[]; hasMore: boolean }>(`/api/questions?${params}`, { signal }),
  similar: (title: string, signal?: AbortSignal) =>
    api<{ questions: QuestionListItem[] }>(`/api/questions/similar?title=${encodeURIComponent(title)}`, { signal }),
  get: (id: string, signal?: AbortSignal) =>
    api<{ question: Question; answers: Answer[] }>(`/api/questions/${encodeURIComponent(id)}`, { signal }),
  ask: (body: unknown) => api<{ question: Question }>("/api/questions", { method: "POST", body }),
  edit: (id: string, body: unknown) => api<{ question: Question }>(`/api/questions/${id}`, { method: "PATCH", body }),
  answer: (id: string, body: string) => api<{ answer: Answer }>(`/api/questions/${id}/answers`, { method: "POST", body: { body } }),
  editAnswer: (id: string, body: string) => api<{ answer: Answer }>(`/api/answers/${id}`, { method: "PATCH", body: { body } }),
  vote: (kind: "questions" | "answers", id: string, up: boolean) =>
    api<{ votes: number; voted: boolean }>(`/api/${kind}/${id}/vote`, { method: "POST", body: { up } }),
  accept: (answerId: string) => api<{ question: Question; answers: Answer[] }>(`/api/answers/${answerId}/accept`, { method: "POST", body: {} }),
  report: (kind: "questions" | "answers", id: string, reason: string) =>
    api(`/api/${kind}/${id}/report`, { method: "POST", body: { reason } }),
  moderate: (kind: "questions" | "answers", id: string, action: "hide" | "restore", reason: string) =>
    api(`/api/${kind}/${id}/${action}`, { method: "POST", body: { reason } }),
  invite: (id: string, userId: string) =>
    api<{ invited: boolean; alreadyInvited: boolean }>(`/api/questions/${id}/invite`, { method: "POST", body: { userId } }),
  veterans: (signal?: AbortSignal) =>
    api<{ users: { user: { id: string; displayName: string; role: Role; level: Level }; answerCount: number; acceptedCount: number }[] }>(
      "/api/qa/veterans",
      { signal },
    ),
  leaderboard: (signal?: AbortSignal) => api<{ leaders: LeaderboardEntry[] }>("/api/qa/leaderboard", { signal }),
  profile: (id: string, signal?: AbortSignal) => api<{ profile: VeteranProfile }>(`/api/qa/users/${encodeURIComponent(id)}/profile`, { signal }),
  events: (signal?: AbortSignal) => api<{ events: QaEvent[] }>("/api/qa/events", { signal }),
  createEvent: (body: unknown) => api<{ event: QaEvent; state: QaEventState }>("/api/qa/events", { method: "POST", body }),
  reports: (signal?: AbortSignal) => api<{ reports: QaReport[] }>("/api/qa/reports", { signal }),
  audit: (signal?: AbortSignal) => api<{ entries: QaAuditEntry[] }>("/api/qa/audit", { signal }),
};

export const qaKeys = {
  all: ["qa"] as const,
  list: (params: string) => ["qa", "list", params] as const,
  question: (id: string) => ["qa", "question", id] as const,
};

/**
 * Keeps board and question pages fresh: joins the board room (again after every reconnect) and
 * refreshes what a new question or answer changes.
 */
export function useBoardLive(onQuestion?: (q: QuestionListItem) => void, onAnswer?: (questionId: string) => void) {
  const queryClient = useQueryClient();
  useEffect(() => {
    const socket = getSocket();
    const subscribe = () => void emitWithAck("qa:subscribe", {});
    const question = ({ question }: { question: QuestionListItem }) => {
      void queryClient.invalidateQueries({ queryKey: ["qa", "list"] });
      onQuestion?.(question);
    };
    const answer = ({ questionId }: { questionId: string }) => {
      void queryClient.invalidateQueries({ queryKey: qaKeys.question(questionId) });
      void queryClient.invalidateQueries({ queryKey: ["qa", "list"] });
      onAnswer?.(questionId);
    };
    if (socket.connected) subscribe();
    socket.on("connect", subscribe);
    socket.on("qa:question", question);
    socket.on("qa:answer", answer);
    return () => {
      socket.off("connect", subscribe);
      socket.off("qa:question", question);
      socket.off("qa:answer", answer);
      if (socket.connected) void emitWithAck("qa:unsubscribe", {});
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryClient]);
}
