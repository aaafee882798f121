import type { Hono } from "hono";
import {
  AddStudioMemberSchema,
  CreateStudioSchema,
  ExportQuerySchema,
  HistoryQuerySchema,
  SearchQuerySchema,
  StudioListQuerySchema,
} from "../../shared/studios.ts";
import type { StudiosContext } from "./state.ts";
import { type ApiEnv, readId, readJson, readQuery } from "../http/env.ts";
import { fileResponse } from "../files/serve.ts";
import { attachmentFile, storeAttachment } from "./attachments.ts";
import { exportRecord } from "./exports.ts";
import { historyPage, searchMessages } from "./messages.ts";
import { addMember, removeMember } from "./membership.ts";
import { createStudio, getStudio, listStudios, memberAccess, readAccess } from "./service.ts";
import { listTasks } from "./tasks.ts";

export function studioRoutes(api: Hono<ApiEnv>, ctx: StudiosContext): void {
  api.post("/studios", async (c) => {
    const input = await readJson(c, CreateStudioSchema);
    const studio = await createStudio(ctx, c.var.user, input);
    return c.json({ studio }, 201);
  });

  api.get("/studios", async (c) => {
    const user = c.var.user;
    const { scope } = readQuery(c, StudioListQuerySchema);
    const studios = await listStudios(ctx, user, scope === "all");
    return c.json({ studios });
  });

  api.get("/studios/:id", async (c) => {
    const studio = await getStudio(ctx, c.var.user, readId(c));
    return c.json({ studio });
  });

  // Members during the term (organisers, or the street's admin): answers with the studio as it now is.
  api.post("/studios/:id/members", async (c) => {
    const user = c.var.user;
    const id = readId(c);
    const { userId } = await readJson(c, AddStudioMemberSchema);
    return c.json({ studio: await addMember(ctx, user, id, userId) }, 201);
  });

  api.delete("/studios/:id/members/:userId", async (c) => {
    const studio = await removeMember(ctx, c.var.user, readId(c), readId(c, "userId"));
    return c.json({ studio });
  });

  api.get("/studios/:id/messages", async (c) => {
    const user = c.var.user;
    const id = readId(c);
    const query = readQuery(c, HistoryQuerySchema);
    const { until } = await readAccess(ctx, id, user);
    const messages = await historyPage(ctx.db, id, query, until);
    return c.json({ messages });
  });

  api.get("/studios/:id/search", async (c) => {
    const user = c.var.user;
    const id = readId(c);
    const { q } = readQuery(c, SearchQuerySchema);
    const { until } = await readAccess(ctx, id, user);
    return c.json({ messages: await searchMessages(ctx.db, id, q, until) });
  });

  api.get("/studios/:id/tasks", async (c) => {
    const user = c.var.user;
    const id = readId(c);
    const { until } = await readAccess(ctx, id, user);
    return c.json({ tasks: await listTasks(ctx, id, undefined, until) });
  });

  api.get("/studios/:id/export", async (c) => {
    const user = c.var.user;
    const id = readId(c);
    const query = readQuery(c, ExportQuerySchema);
    const file = await exportRecord(ctx, user, id, query);
    c.header("Content-Type", file.type);
    c.header("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    return c.body(file.body);
  });

  api.post("/studios/:id/attachments", async (c) => {
    const user = c.var.user;
    const id = readId(c);
    // Membership before reading the body: a stranger's upload is refused without storing anything.
    await memberAccess(ctx, id, user);
    const attachment = await storeAttachment(ctx, user, id, c.req.raw);
    return c.json({ attachment }, 201);
  });

  api.get("/studios/:id/attachments/:attachmentId", async (c) => {
    const user = c.var.user;
    const file = await attachmentFile(ctx, user, readId(c), readId(c, "attachmentId"));
    return fileResponse(ctx.files, c.req.raw, file);
  });
}
