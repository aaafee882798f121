import type { Notification } from "../../../../shared/notifications.ts";

/** The bell's list (`GET /api/notifications`), cached under this key; the browser title reads its count. */
export type NotificationList = { notifications: Notification[]; unread: number };
export const NOTIFICATIONS_QUERY_KEY = ["notifications"] as const;
