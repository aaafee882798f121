import type { Hono } from "hono";
import { ListNotificationsQuerySchema, MarkReadSchema } from "../../shared/notifications.ts";
import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";
import { type ApiEnv, readJson, readQuery } from "../http/env.ts";
import { listNotifications, markRead } from "./service.ts";

function notificationRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/notifications", async (c) => {
    const user = c.var.user;
    const { limit } = readQuery(c, ListNotificationsQuerySchema);
    return c.json(await listNotifications(ctx, user.id, limit));
  });

  api.post("/notifications/read", async (c) => {
    const user = c.var.user;
    await markRead(ctx, user.id, await readJson(c, MarkReadSchema));
    return c.json(await listNotifications(ctx, user.id));
  });
}

export const notificationsFeature: Feature = { name: "notifications", routes: notificationRoutes };
