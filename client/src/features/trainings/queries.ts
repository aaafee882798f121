import type {
  ActivityKind,
  CalendarItem,
  Checkin,
  CheckinBoard,
  LedgerRow,
  Training,
} from "../../../../shared/trainings.ts";
import { api } from "../../api.ts";

/** REST calls of the trainings area, typed by the shared contract. */
export const trainingsApi = {
  plan: (year: number, signal?: AbortSignal) =>
    api<{ trainings: Training[] }>(`/api/trainings?year=${year}`, { signal }),
  get: (id: string, signal?: AbortSignal) =>
    api<{ training: Training }>(`/api/trainings/${encodeURIComponent(id)}`, { signal }),
  create: (body: unknown) =>
    api<{ training: Training; trainings: Training[] }>("/api/trainings", { method: "POST", body }),
  checkIn: (code: string) =>
    api<{ checkin: Checkin; created: boolean; activity: { title: string; hours: number | null } }>("/api/checkins", {
      method: "POST",
      body: { code },
    }),
  board: (kind: ActivityKind, id: string) => api<{ board: CheckinBoard }>(`/api/checkins/${kind}/${id}`),
  addAttendee: (kind: ActivityKind, id: string, userId: string, reason: string) =>
    api<{ checkin: Checkin }>(`/api/checkins/${kind}/${id}/attendees`, { method: "POST", body: { userId, reason } }),
  removeAttendee: (kind: ActivityKind, id: string, userId: string, reason: string) =>
    api(`/api/checkins/${kind}/${id}/attendees/${userId}`, { method: "DELETE", body: { reason } }),
  ledger: (params: URLSearchParams, signal?: AbortSignal) =>
    api<{ rows: LedgerRow[] }>(`/api/reports/training?${params}`, { signal }),
  myLine: (year: number, signal?: AbortSignal) =>
    api<{ row: LedgerRow | null }>(`/api/reports/training/me?year=${year}`, { signal }),
  calendar: (from: string, to: string, signal?: AbortSignal) =>
    api<{ items: CalendarItem[] }>(`/api/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, {
      signal,
    }),
  feedStatus: (signal?: AbortSignal) =>
    api<{ active: boolean; createdAt: string | null }>("/api/calendar-token", { signal }),
  feedCreate: () => api<{ url: string }>("/api/calendar-token", { method: "POST" }),
  feedRevoke: () => api("/api/calendar-token", { method: "DELETE" }),
};

/** The check-in page's address for a code: what the QR code encodes. */
export const checkinUrl = (code: string) => `${window.location.origin}/trainings/checkin?c=${encodeURIComponent(code)}`;

export const formatTime = (iso: string) =>
  new Date(iso).toLocaleString("zh-CN", {
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Asia/Shanghai",
  });
