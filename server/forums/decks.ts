import { rm } from "node:fs/promises";
import { eq } from "drizzle-orm";
import type { DeckProgress, Talk } from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import { type AppContext, userRoom } from "../context.ts";
import { ConversionError, type OfficeDeckExtension } from "../files/convert.ts";
import { cleanFileName, extensionOf, withExtension } from "../files/names.ts";
import type { ServedFile } from "../files/serve.ts";
import { AppError, forbidden, invalidInput, notFound, readOnly } from "../lib/errors.ts";
import { canManageTalk } from "./policy.ts";
import { forumDecks } from "./schema.ts";
import { broadcastState } from "./agenda.ts";
import type { ForumsContext } from "./live.ts";
import { findForumRow, findTalkRow, getForum } from "./service.ts";

const OFFICE_MIME: Record<string, OfficeDeckExtension> = {
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.oasis.opendocument.presentation": "odp",
};

export const converterMissing = () => new AppError(503, "converter_missing", "服务器未安装 LibreOffice，请上传 PDF");
const conversionFailed = () =>
  new AppError(422, "conversion_failed", "演示文稿转换失败：文件可能已损坏或受密码保护，请在电脑上另存为 PDF 后上传");
const conversionTimedOut = () =>
  new AppError(422, "conversion_timeout", "演示文稿转换超时：文件太大或太复杂，请在电脑上另存为 PDF 后上传");
const notPdf = () => invalidInput("文件不是有效的 PDF（请上传 PDF，或 PPT/PPTX/ODP 演示文稿）");

/** What the bytes are, by content: a PDF, an Office deck to convert, or neither (400). */
async function deckKind(path: string, clientName: string): Promise<"pdf" | OfficeDeckExtension> {
  // loaded on use: only uploads need it, and it costs every start 50 ms
  const { fileTypeFromFile } = await import("file-type");
  const found = await fileTypeFromFile(path);
  if (found?.mime === "application/pdf") return "pdf";
  if (found && OFFICE_MIME[found.mime]) return OFFICE_MIME[found.mime]!;
  // an old binary PowerPoint is a compound file, like every old Office file: the name says which
  if (found?.mime === "application/x-cfb" && extensionOf(clientName) === "ppt") return "ppt";
  throw invalidInput("只能上传 PDF 或 PPT/PPTX/ODP 演示文稿");
}

/**
 * `POST /api/forums/:id/talks/:talkId/deck` (multipart, field `file`): the talk's presenter or the
 * host uploads a PDF or an Office deck. The body streams to a temp file (413 the moment it passes
 * the limit); the type is read from the content; Office decks are converted to PDF by LibreOffice
 * (the uploader hears `forum:deckProgress` meanwhile); every PDF is parsed in a worker thread
 * before it is accepted, and only then stored under its hash.
 */
export async function uploadDeck(
  ctx: ForumsContext,
  request: Request,
  user: UserRow,
  forumId: string,
  talkId: string,
): Promise<Talk> {
  const forum = await findForumRow(ctx.db, forumId);
  const talk = await findTalkRow(ctx.db, forumId, talkId);
  if (!canManageTalk(user, forum, talk)) throw forbidden("只有该发言人或主持人可以上传演示文稿");
  if (forum.status === "ended") throw readOnly("论坛已结束");

  const mb = Math.round(ctx.config.MAX_DECK_BYTES / 1024 / 1024);
  const upload = await ctx.files.receive(request, {
    limit: ctx.config.MAX_DECK_BYTES,
    tooLargeMessage: `演示文稿不能超过 ${mb} MB`,
    missingMessage: "请选择要上传的演示文稿",
  });
  let pdfPath = upload.tempPath;
  let cleanup = upload.discard;
  try {
    const kind = await deckKind(upload.tempPath, upload.clientName);
    let fileName = cleanFileName(upload.clientName, "演示文稿.pdf");
    if (kind !== "pdf") {
      if (!ctx.files.converter.available) throw converterMissing();
      const progress = (step: DeckProgress["step"]) =>
        ctx.io.to(userRoom(user.id)).emit("forum:deckProgress", { forumId, talkId: talk.id, step });
      const converted = await ctx.files.converter.toPdf(upload.tempPath, kind, progress).catch((error: unknown) => {
        if (error instanceof ConversionError) {
          if (error.reason === "missing") throw converterMissing();
          throw error.reason === "timeout" ? conversionTimedOut() : conversionFailed();
        }
        throw error;
      });
      pdfPath = converted.pdfPath;
      cleanup = converted.cleanup;
      fileName = withExtension(fileName, "pdf");
    } else if (extensionOf(fileName) !== "pdf") {
      fileName = withExtension(fileName, "pdf");
    }

    const inspection = await ctx.files.inspector.inspect(pdfPath);
    if (!inspection.ok) throw kind === "pdf" ? notPdf() : conversionFailed();

    let stored = { sha256: upload.sha256, size: upload.size };
    if (kind === "pdf") await ctx.files.keep(pdfPath, stored.sha256, stored.size);
    else stored = await ctx.files.keepFile(pdfPath); // a converted PDF is hashed as it is stored
    const { sha256, size } = stored;
    const values = {
      fileName,
      size,
      pageCount: inspection.pageCount,
      fileSha256: sha256,
      data: null,
      uploadedBy: user.id,
      uploadedAt: new Date(),
    };
    await ctx.db
      .insert(forumDecks)
      .values({ talkId: talk.id, ...values })
      .onConflictDoUpdate({ target: forumDecks.talkId, set: values });
  } finally {
    await cleanup();
    await rm(upload.tempPath, { force: true });
  }

  const updated = await getForum(ctx.db, forumId);
  await broadcastState(ctx, updated);
  return updated.talks.find((t) => t.id === talk.id)!;
}

/** A deck as the file to serve. */
export async function deckFile(ctx: AppContext, forumId: string, talkId: string): Promise<ServedFile> {
  await findTalkRow(ctx.db, forumId, talkId);
  const [deck] = await ctx.db
    .select({ fileName: forumDecks.fileName, size: forumDecks.size, sha256: forumDecks.fileSha256 })
    .from(forumDecks)
    .where(eq(forumDecks.talkId, talkId));
  if (!deck?.sha256) throw notFound("该发言还没有上传演示文稿");
  return { sha256: deck.sha256, size: deck.size, fileName: deck.fileName, mime: "application/pdf", inline: true };
}
