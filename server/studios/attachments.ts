import { and, eq } from "drizzle-orm";
import { fileTypeFromBuffer } from "file-type";
import type { Attachment } from "../../shared/studios.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import { invalidInput, notFound, tooLarge } from "../lib/errors.ts";
import { toAttachment } from "./messages.ts";
import { requireWritable } from "./policy.ts";
import { studioAttachments } from "./schema.ts";
import { loadAccess, memberAccess } from "./service.ts";

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

export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, "_").trim().slice(0, 120);
  return cleaned || "附件";
}

/** The type of an upload from its bytes (never from the name or the browser's claim), or 400. */
export async function detectType(bytes: Uint8Array, name: string): Promise<string> {
  const found = await fileTypeFromBuffer(bytes);
  if (found && ALLOWED.has(found.mime)) return found.mime;
  if (found?.mime === "application/x-cfb") {
    const ext = name.split(".").pop()?.toLowerCase() ?? "";
    if (LEGACY_OFFICE[ext]) return LEGACY_OFFICE[ext]!;
  }
  throw invalidInput("只能上传图片（JPG/PNG/GIF/WebP）、PDF 或 Office 文件");
}

export async function storeAttachment(
  ctx: Pick<AppContext, "db" | "config">,
  user: UserRow,
  studioId: string,
  file: File,
): Promise<Attachment> {
  const access = await loadAccess(ctx, studioId);
  requireWritable(access, user);
  if (file.size > ctx.config.MAX_ATTACHMENT_BYTES) throw tooLarge(`附件不能超过 ${Math.round(ctx.config.MAX_ATTACHMENT_BYTES / 1024 / 1024)} MB`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.byteLength > ctx.config.MAX_ATTACHMENT_BYTES) throw tooLarge("附件过大");
  if (bytes.byteLength === 0) throw invalidInput("文件为空");
  const name = cleanFileName(file.name);
  const mime = await detectType(bytes, name);
  const [row] = await ctx.db
    .insert(studioAttachments)
    .values({ studioId, uploaderId: user.id, name, mime, size: bytes.byteLength, data: bytes })
    .returning({
      id: studioAttachments.id,
      studioId: studioAttachments.studioId,
      name: studioAttachments.name,
      mime: studioAttachments.mime,
      size: studioAttachments.size,
    });
  return toAttachment(row!);
}

export async function readAttachment(ctx: Pick<AppContext, "db">, user: UserRow, studioId: string, attachmentId: string) {
  await memberAccess(ctx, studioId, user);
  const [row] = await ctx.db
    .select()
    .from(studioAttachments)
    .where(and(eq(studioAttachments.id, attachmentId), eq(studioAttachments.studioId, studioId)));
  if (!row) throw notFound("附件不存在");
  return row;
}
