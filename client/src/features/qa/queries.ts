import { type InfiniteData, type QueryClient, useQueryClient } from "@tanstack/react-query";
import type {
  Answer,
  LeaderboardEntry,
  QaAuditEntry,
  QaEvent,
  QaEventState,
  QaReport,
  QaVoteChange,
  Question,
  QuestionListItem,
  VeteranProfile,
} from "../../../../shared/qa.ts";
import type { Level, Role } from "../../../../shared/vocabulary.ts";
import { api } from "../../api.ts";
import { emitWithAck, useSocketRoom } from "../../socket.ts";

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
  answer: (id: string, body: string) =>
    api<{ answer: Answer }>(`/api/questions/${id}/answers`, { method: "POST", body: { body } }),
  editAnswer: (id: string, body: string) =>
    api<{ answer: Answer }>(`/api/answers/${id}`, { method: "PATCH", body: { body } }),
  vote: (kind: "questions" | "answers", id: string, up: boolean) =>
    api<{ votes: number; voted: boolean }>(`/api/${kind}/${id}/vote`, { method: "POST", body: { up } }),
  accept: (answerId: string) =>
    api<{ question: Question; answers: Answer[] }>(`/api/answers/${answerId}/accept`, { method: "POST", body: {} }),
  report: (kind: "questions" | "answers", id: string, reason: string) =>
    api(`/api/${kind}/${id}/report`, { method: "POST", body: { reason } }),
  moderate: (kind: "questions" | "answers", id: string, action: "hide" | "restore", reason: string) =>
    api(`/api/${kind}/${id}/${action}`, { method: "POST", body: { reason } }),
  invite: (id: string, userId: string) =>
    api<{ invited: boolean; alreadyInvited: boolean }>(`/api/questions/${id}/invite`, {
      method: "POST",
      body: { userId },
    }),
  veterans: (signal?: AbortSignal) =>
    api<{
      users: {
        user: { id: string; displayName: string; role: Role; level: Level };
        answerCount: number;
        acceptedCount: number;
      }[];
    }>("/api/qa/veterans", { signal }),
  leaderboard: (signal?: AbortSignal) => api<{ leaders: LeaderboardEntry[] }>("/api/qa/leaderboard", { signal }),
  profile: (id: string, signal?: AbortSignal) =>
    api<{ profile: VeteranProfile }>(`/api/qa/users/${encodeURIComponent(id)}/profile`, { signal }),
  events: (signal?: AbortSignal) => api<{ events: QaEvent[] }>("/api/qa/events", { signal }),
  createEvent: (body: unknown) =>
    api<{ event: QaEvent; state: QaEventState }>("/api/qa/events", { method: "POST", body }),
  reports: (signal?: AbortSignal) => api<{ reports: QaReport[] }>("/api/qa/reports", { signal }),
  audit: (signal?: AbortSignal) => api<{ entries: QaAuditEntry[] }>("/api/qa/audit", { signal }),
};

export const qaKeys = {
  all: ["qa"] as const,
  list: (params: string) => ["qa", "list", params] as const,
  question: (id: string) => ["qa", "question", id] as const,
};

type ListPage = { questions: QuestionListItem[]; hasMore: boolean };
type QuestionPageData = { question: Question; answers: Answer[] };

/**
 * A vote count pushed by the server goes straight into every cached list and question page: in a
 * hall where hundreds vote, refetching on each vote would cost hundreds of requests per vote.
 * Only the count changes; whether *this* viewer voted is theirs and stays as it was.
 */
function applyVote(queryClient: QueryClient, change: QaVoteChange) {
  if (change.target === "question") {
    queryClient.setQueriesData<InfiniteData<ListPage>>({ queryKey: ["qa", "list"] }, (data) =>
      data?.pages
        ? {
            ...data,
            pages: data.pages.map((p) => ({
              ...p,
              questions: p.questions.map((q) => (q.id === change.id ? { ...q, votes: change.votes } : q)),
            })),
          }
        : data,
    );
  }
  queryClient.setQueryData<QuestionPageData>(qaKeys.question(change.questionId), (page) => {
    if (!page) return page;
    if (change.target === "question") return { ...page, question: { ...page.question, votes: change.votes } };
    return { ...page, answers: page.answers.map((a) => (a.id === change.id ? { ...a, votes: change.votes } : a)) };
  });
}

/** Acceptance moves the accepted answer to the top: the marks change at once, the page then refetches. */
function applyAccepted(queryClient: QueryClient, questionId: string, acceptedAnswerId: string) {
  queryClient.setQueryData<QuestionPageData>(qaKeys.question(questionId), (page) =>
    page
      ? {
          question: { ...page.question, acceptedAnswerId },
          answers: page.answers.map((a) => ({ ...a, accepted: a.id === acceptedAnswerId })),
        }
      : page,
  );
  void queryClient.invalidateQueries({ queryKey: qaKeys.question(questionId) });
  void queryClient.invalidateQueries({ queryKey: ["qa", "list"] });
}

/**
 * Keeps board and question pages fresh: joins the board room (again after every reconnect) and
 * applies what a new question, answer, vote or acceptance changes.
 */
export function useBoardLive(onQuestion?: (q: QuestionListItem) => void, onAnswer?: (questionId: string) => void) {
  const queryClient = useQueryClient();
  useSocketRoom(
    {
      join: () => void emitWithAck("qa:subscribe", {}),
      leave: () => void emitWithAck("qa:unsubscribe", {}),
      on: {
        "qa:question": ({ question }) => {
          void queryClient.invalidateQueries({ queryKey: ["qa", "list"] });
          onQuestion?.(question);
        },
        "qa:answer": ({ questionId }) => {
          void queryClient.invalidateQueries({ queryKey: qaKeys.question(questionId) });
          void queryClient.invalidateQueries({ queryKey: ["qa", "list"] });
          onAnswer?.(questionId);
        },
        "qa:vote": (change) => applyVote(queryClient, change),
        "qa:accepted": ({ questionId, acceptedAnswerId }) => applyAccepted(queryClient, questionId, acceptedAnswerId),
      },
    },
    [queryClient],
  );
}
