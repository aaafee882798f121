import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { CreateStudioSchema, ExportQuerySchema, HistoryQuerySchema, SearchQuerySchema, StudioListQuerySchema } from "../../shared/studios.ts";
import type { AppContext } from "../context.ts";
import { type ApiEnv, readId, readJson, readQuery, requireUser } from "../http/env.ts";
import { invalidInput, tooLarge } from "../lib/errors.ts";
import { readAttachment, storeAttachment } from "./attachments.ts";
import { exportRecord } from "./exports.ts";
import { historyPage, searchMessages } from "./messages.ts";
import { createStudio, getStudio, listStudios, memberAccess } from "./service.ts";
import { listTasks } from "./tasks.ts";

/** Room for the multipart envelope around a file of the maximum size. */
const MULTIPART_OVERHEAD = 64 * 1024;

export function studioRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.post("/studios", async (c) => {
    const input = await readJson(c, CreateStudioSchema);
    const studio = await createStudio(ctx, requireUser(c), input);
    return c.json({ studio }, 201);
  });

  api.get("/studios", async (c) => {
    const user = requireUser(c);
    const { scope } = readQuery(c, StudioListQuerySchema);
    const studios = await listStudios(ctx, user, scope === "all");
    return c.json({ studios });
  });

  api.get("/studios/:id", async (c) => {
    const studio = await getStudio(ctx, requireUser(c), readId(c));
    return c.json({ studio });
  });

  api.get("/studios/:id/messages", async (c) => {
    const user = requireUser(c);
    const id = readId(c);
    const query = readQuery(c, HistoryQuerySchema);
    await memberAccess(ctx, id, user);
    const messages = await historyPage(ctx.db, id, query);
    return c.json({ messages });
  });

  api.get("/studios/:id/search", async (c) => {
    const user = requireUser(c);
    const id = readId(c);
    const { q } = readQuery(c, SearchQuerySchema);
    await memberAccess(ctx, id, user);
    return c.json({ messages: await searchMessages(ctx.db, id, q) });
  });

  api.get("/studios/:id/tasks", async (c) => {
    const user = requireUser(c);
    const id = readId(c);
    await memberAccess(ctx, id, user);
    return c.json({ tasks: await listTasks(ctx, id) });
  });

  api.get("/studios/:id/export", async (c) => {
    const user = requireUser(c);
    const id = readId(c);
    const query = readQuery(c, ExportQuerySchema);
    const file = await exportRecord(ctx, user, id, query);
    c.header("Content-Type", file.type);
    c.header("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    return c.body(file.body);
  });

  api.post(
    "/studios/:id/attachments",
    async (c, next) => {
      // Refuse before reading anything when the declared size is already too big.
      const declared = Number(c.req.header("content-length") ?? "0");
      if (declared > ctx.config.MAX_ATTACHMENT_BYTES + MULTIPART_OVERHEAD) throw tooLarge("附件不能超过 20 MB");
      return next();
    },
    // Counts the bytes actually received (a chunked body has no Content-Length).
    bodyLimit({
      maxSize: ctx.config.MAX_ATTACHMENT_BYTES + MULTIPART_OVERHEAD,
      onError: () => {
        throw tooLarge("附件不能超过 20 MB");
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const id = readId(c);
      // Membership before reading the body: a stranger's upload is refused without storing anything.
      await memberAccess(ctx, id, user);
      let form;
      try {
        form = await c.req.parseBody();
      } catch {
        throw invalidInput("上传内容不正确");
      }
      const file = form.file;
      if (!(file instanceof File)) throw invalidInput("请选择文件");
      const attachment = await storeAttachment(ctx, user, id, file);
      return c.json({ attachment }, 201);
    },
  );

  api.get("/studios/:id/attachments/:attachmentId", async (c) => {
    const user = requireUser(c);
    const id = readId(c);
    const attachmentId = readId(c, "attachmentId");
    const row = await readAttachment(ctx, user, id, attachmentId);
    const inline = row.mime.startsWith("image/") || row.mime === "application/pdf";
    c.header("Content-Type", row.mime);
    c.header("Content-Length", String(row.data.byteLength));
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "private, max-age=86400");
    c.header("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    c.header(
      "Content-Disposition",
      `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(row.name)}`,
    );
    return c.body(new Uint8Array(row.data));
  });
}
