import { eq, sql } from "drizzle-orm";
import { fileTypeFromBuffer } from "file-type";
import { PDFDocument } from "pdf-lib";
import type { Talk } from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { ApiContext } from "../http/env.ts";
import { forbidden, invalidInput, notFound, readOnly, tooLarge } from "../lib/errors.ts";
import { canManageTalk } from "./policy.ts";
import { forumDecks } from "./schema.ts";
import { broadcastState, findForumRow, findTalkRow, getForum } from "./service.ts";

/** Room for the multipart boundary and headers around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** Reads a request body, refusing (413) as soon as it passes `limit` bytes — whatever Content-Length said. */
async function readBodyWithin(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!body) throw invalidInput("请选择要上传的 PDF 文件");
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`演示文稿不能超过 ${Math.round(limit / 1024 / 1024)} MB`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function countPages(bytes: Uint8Array): Promise<number | null> {
  try {
    const pdf = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
    return pdf.getPageCount();
  } catch {
    // pdf.js in the browser reads more PDFs than pdf-lib does; an unknown count only skips the page-range check
    return null;
  }
}

/**
 * `POST /api/forums/:id/talks/:talkId/deck` (multipart, field `file`): the talk's presenter or the
 * host uploads a PDF. The size is checked from Content-Length first and again while reading; the
 * type is checked by the content, never by the name.
 */
export async function uploadDeck(ctx: AppContext, c: ApiContext, user: UserRow, forumId: string, talkId: string): Promise<Talk> {
  const forum = await findForumRow(ctx.db, forumId);
  const talk = await findTalkRow(ctx.db, forumId, talkId);
  if (!canManageTalk(user, forum, talk)) throw forbidden("只有该发言人或主持人可以上传演示文稿");
  if (forum.status === "ended") throw readOnly("论坛已结束");

  const limit = ctx.config.MAX_DECK_BYTES;
  const mb = Math.round(limit / 1024 / 1024);
  const declared = Number(c.req.header("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit + MULTIPART_OVERHEAD) throw tooLarge(`演示文稿不能超过 ${mb} MB`);
  const contentType = c.req.header("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data")) throw invalidInput("请以表单方式上传文件");

  const raw = await readBodyWithin(c.req.raw.body, limit + MULTIPART_OVERHEAD);
  let form: FormData;
  try {
    form = await new Response(raw as BodyInit, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw invalidInput("上传内容无法解析");
  }
  const file = form.get("file");
  if (!(file instanceof Blob)) throw invalidInput("请选择要上传的 PDF 文件");
  if (file.size > limit) throw tooLarge(`演示文稿不能超过 ${mb} MB`);
  if (file.size === 0) throw invalidInput("文件是空的");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = await fileTypeFromBuffer(bytes);
  if (type?.mime !== "application/pdf") throw invalidInput("只能上传 PDF 文件（请把 PPT 导出为 PDF）");

  const fileName = ((file as File).name || "slides.pdf").slice(0, 200);
  const pageCount = await countPages(bytes);
  const values = { fileName, size: bytes.byteLength, pageCount, data: bytes, uploadedBy: user.id, uploadedAt: new Date() };
  await ctx.db
    .insert(forumDecks)
    .values({ talkId: talk.id, ...values })
    .onConflictDoUpdate({ target: forumDecks.talkId, set: values });

  const updated = await getForum(ctx.db, forumId);
  await broadcastState(ctx, updated);
  return updated.talks.find((t) => t.id === talk.id)!;
}

/** A deck's stored facts without its bytes. */
export async function deckInfo(ctx: AppContext, forumId: string, talkId: string) {
  await findTalkRow(ctx.db, forumId, talkId);
  const [deck] = await ctx.db
    .select({ fileName: forumDecks.fileName, size: forumDecks.size })
    .from(forumDecks)
    .where(eq(forumDecks.talkId, talkId));
  if (!deck) throw notFound("该发言还没有上传演示文稿");
  return deck;
}

/**
 * Bytes `start..end` (inclusive) of a deck, cut out by the database so a phone asking pdf.js for one
 * page's objects never makes the server load the whole 50 MB file.
 */
export async function readDeckRange(ctx: AppContext, talkId: string, start: number, end: number): Promise<Uint8Array> {
  const [row] = await ctx.db
    .select({ part: sql<Uint8Array>`substring(${forumDecks.data} from ${start + 1} for ${end - start + 1})`.mapWith(forumDecks.data) })
    .from(forumDecks)
    .where(eq(forumDecks.talkId, talkId));
  if (!row) throw notFound("该发言还没有上传演示文稿");
  return row.part;
}

/** Parses a single `bytes=a-b` / `bytes=a-` / `bytes=-n` range; null means "send it all", "invalid" means 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | "invalid" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null; // multiple or odd ranges: whole file
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return "invalid";
  return { start, end };
}
