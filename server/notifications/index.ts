import type { Hono } from "hono";
import { z } from "zod";
import { MarkReadSchema } from "../../shared/notifications.ts";
import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";
import { type ApiEnv, readJson, readQuery, requireUser } from "../http/env.ts";
import { listNotifications, markRead } from "./service.ts";

const ListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) });

function notificationRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/notifications", async (c) => {
    const user = requireUser(c);
    const { limit } = readQuery(c, ListQuerySchema);
    return c.json(await listNotifications(ctx, user.id, limit));
  });

  api.post("/notifications/read", async (c) => {
    const user = requireUser(c);
    await markRead(ctx, user.id, await readJson(c, MarkReadSchema));
    return c.json(await listNotifications(ctx, user.id));
  });
}

export const notificationsFeature: Feature = { name: "notifications", routes: notificationRoutes };
