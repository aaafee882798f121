import { and, eq, isNull, lt, lte, sql } from "drizzle-orm";
import type { Attachment } from "../../shared/studios.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { StudiosContext } from "./state.ts";
import { cleanFileName, extensionOf } from "../files/names.ts";
import type { ServedFile } from "../files/serve.ts";
import { invalidInput, notFound } from "../lib/errors.ts";
import { toAttachment } from "./messages.ts";
import { requireWritable } from "./policy.ts";
import { studioAttachments, studioMessages } from "./schema.ts";
import { loadAccess, readAccess } from "./service.ts";

/** What a studio accepts, by detected type: images, PDF and Office files. */
const ALLOWED = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
]);
/** Old binary Office files are all detected as a compound file; the name tells which. */
const LEGACY_OFFICE: Record<string, string> = {
  doc: "application/msword",
  xls: "application/vnd.ms-excel",
  ppt: "application/vnd.ms-powerpoint",
};

/** The type of an upload from its content (never from the name or the browser's claim), or 400. */
export async function detectType(path: string, name: string): Promise<string> {
  // loaded on use: only uploads need it, and it costs every start 50 ms
  const { fileTypeFromFile } = await import("file-type");
  const found = await fileTypeFromFile(path);
  if (found && ALLOWED.has(found.mime)) return found.mime;
  if (found?.mime === "application/x-cfb") {
    const legacy = LEGACY_OFFICE[extensionOf(name)];
    if (legacy) return legacy;
  }
  throw invalidInput("只能上传图片（JPG/PNG/GIF/WebP）、PDF 或 Office 文件");
}

/**
 * `POST /api/studios/:id/attachments`: streams the file to a temp file (413 the moment it passes
 * MAX_ATTACHMENT_BYTES), checks its type by content (a PDF is parsed in a worker thread), stores
 * the bytes by hash and keeps only the metadata here. Sending a message then refers to it.
 */
export async function storeAttachment(
  ctx: StudiosContext,
  user: UserRow,
  studioId: string,
  request: Request,
): Promise<Attachment> {
  const access = await loadAccess(ctx, studioId);
  requireWritable(access, user);
  const mb = Math.round(ctx.config.MAX_ATTACHMENT_BYTES / 1024 / 1024);
  const upload = await ctx.files.receive(request, {
    limit: ctx.config.MAX_ATTACHMENT_BYTES,
    tooLargeMessage: `附件不能超过 ${mb} MB`,
    missingMessage: "请选择文件",
  });
  try {
    const name = cleanFileName(upload.clientName, "附件");
    const mime = await detectType(upload.tempPath, name);
    if (mime === "application/pdf" && !(await ctx.files.inspector.inspect(upload.tempPath)).ok) {
      throw invalidInput("文件不是有效的 PDF");
    }
    await ctx.files.keep(upload.tempPath, upload.sha256, upload.size);
    const [row] = await ctx.db
      .insert(studioAttachments)
      .values({ studioId, uploaderId: user.id, name, mime, size: upload.size, fileSha256: upload.sha256 })
      .returning({
        id: studioAttachments.id,
        studioId: studioAttachments.studioId,
        name: studioAttachments.name,
        mime: studioAttachments.mime,
        size: studioAttachments.size,
      });
    return toAttachment(row!);
  } finally {
    await upload.discard();
  }
}

/** An attachment as the file to serve, for members of its studio. */
export async function attachmentFile(
  ctx: Pick<StudiosContext, "db" | "studios">,
  user: UserRow,
  studioId: string,
  attachmentId: string,
): Promise<ServedFile> {
  const { until } = await readAccess(ctx, studioId, user);
  const [row] = await ctx.db
    .select({
      name: studioAttachments.name,
      mime: studioAttachments.mime,
      size: studioAttachments.size,
      sha256: studioAttachments.fileSha256,
    })
    .from(studioAttachments)
    .where(
      and(
        eq(studioAttachments.id, attachmentId),
        eq(studioAttachments.studioId, studioId),
        until ? lte(studioAttachments.createdAt, until) : undefined,
      ),
    );
  if (!row?.sha256) throw notFound("附件不存在");
  const inline = row.mime.startsWith("image/") || row.mime === "application/pdf";
  return { sha256: row.sha256, size: row.size, mime: row.mime, fileName: row.name, inline };
}

/**
 * Attachments uploaded but never sent in a message (the sender gave up) are deleted after the
 * grace period; their bytes follow in the file store's own sweep.
 */
export async function sweepUnsentAttachments(ctx: Pick<StudiosContext, "db">, graceMs: number): Promise<number> {
  const cutoff = new Date(Date.now() - graceMs);
  const gone = await ctx.db
    .delete(studioAttachments)
    .where(
      and(
        lt(studioAttachments.createdAt, cutoff),
        isNull(studioAttachments.data),
        sql`not exists (select 1 from ${studioMessages} where ${studioMessages.attachmentId} = ${studioAttachments.id})`,
      ),
    )
    .returning({ id: studioAttachments.id });
  return gone.length;
}
