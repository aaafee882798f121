import { z } from "zod";

/* Wire contract of notifications (the bell): shared by studios, forums and the Q&A board. */

export const NOTIFICATION_KINDS = [
  "mention",
  "task_assigned",
  "task_due",
  "question_answered",
  "answer_accepted",
  "answer_invited",
  "forum_starting",
  "forum_talk",
  "commitment",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  id: string;
  kind: NotificationKind | (string & {});
  title: string;
  body: string | null;
  /** a client route to open, e.g. /studios/<id> */
  link: string | null;
  read: boolean;
  createdAt: string;
}

/** `POST /api/notifications/read`: some ids, or everything. */
export const MarkReadSchema = z.union([
  z.object({ ids: z.array(z.string().uuid()).min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
export type MarkRead = z.infer<typeof MarkReadSchema>;

/** Events the server pushes. */
export interface NotificationServerEvents {
  "notification:new": (notification: Notification) => void;
}

/** `GET /api/notifications?limit=` */
export const ListNotificationsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) });
