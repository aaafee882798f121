import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { MarkRead, Notification } from "../../shared/notifications.ts";
import { type AppContext, userRoom } from "../context.ts";
import { notifications } from "./schema.ts";

type Row = typeof notifications.$inferSelect;

function toNotification(row: Row): Notification {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    read: row.readAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface NotifyInput {
  userId: string;
  kind: string;
  title: string;
  body?: string;
  link?: string;
}

/** Stores a notification and pushes it to every open tab of the user, on any process. */
export async function notify(ctx: Pick<AppContext, "db" | "io" | "log">, input: NotifyInput): Promise<Notification> {
  const [row] = await ctx.db
    .insert(notifications)
    .values({ ...input, body: input.body?.slice(0, 500) ?? null, link: input.link ?? null })
    .returning();
  const notification = toNotification(row!);
  ctx.io.to(userRoom(input.userId)).emit("notification:new", notification);
  return notification;
}

export async function listNotifications(ctx: AppContext, userId: string, limit = 30) {
  const rows = await ctx.db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
  const [count] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return { notifications: rows.map(toNotification), unread: Number(count?.n ?? 0) };
}

/** Marks some or all of the user's notifications read; other users' ids are silently ignored. */
export async function markRead(ctx: AppContext, userId: string, input: MarkRead): Promise<void> {
  const mine = and(eq(notifications.userId, userId), isNull(notifications.readAt));
  await ctx.db
    .update(notifications)
    .set({ readAt: new Date() })
    .where("ids" in input ? and(mine, inArray(notifications.id, input.ids)) : mine);
}
