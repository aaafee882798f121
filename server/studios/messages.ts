import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Attachment, StudioMessage } from "../../shared/studios.ts";
import { users } from "../auth/schema.ts";
import type { Db } from "../db/client.ts";
import { studioAttachments, studioMessages } from "./schema.ts";

/** Reading messages in their wire shape: author name, quoted reply and attachment joined in. */

export type MessageRow = typeof studioMessages.$inferSelect;
export type AttachmentMeta = Pick<typeof studioAttachments.$inferSelect, "id" | "studioId" | "name" | "mime" | "size">;
export interface ReplyRef {
  id: string;
  seq: number;
  authorName: string;
  text: string;
  withdrawnAt: Date | null;
}

const QUOTE_CHARS = 120;

export function attachmentUrl(studioId: string, attachmentId: string) {
  return `/api/studios/${studioId}/attachments/${attachmentId}`;
}

export function toAttachment(a: AttachmentMeta): Attachment {
  return {
    id: a.id,
    name: a.name,
    mime: a.mime,
    size: a.size,
    isImage: a.mime.startsWith("image/"),
    url: attachmentUrl(a.studioId, a.id),
  };
}

export function toMessage(
  row: MessageRow,
  authorName: string,
  reply: ReplyRef | null,
  attachment: AttachmentMeta | null,
): StudioMessage {
  const withdrawn = row.withdrawnAt !== null;
  return {
    id: row.id,
    studioId: row.studioId,
    seq: row.seq,
    clientId: row.clientId,
    authorId: row.authorId,
    authorName,
    kind: row.kind,
    text: withdrawn ? "" : row.text,
    replyTo: reply
      ? {
          id: reply.id,
          seq: reply.seq,
          authorName: reply.authorName,
          text: reply.withdrawnAt ? "" : reply.text.slice(0, QUOTE_CHARS),
          withdrawn: reply.withdrawnAt !== null,
        }
      : null,
    attachment: attachment && !withdrawn ? toAttachment(attachment) : null,
    taskId: row.taskId,
    mentions: row.mentions ?? [],
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    withdrawnAt: row.withdrawnAt?.toISOString() ?? null,
    pinnedAt: row.pinnedAt?.toISOString() ?? null,
  };
}

/** Written up to `until` (a leaver's reading limit; null: no limit). */
export const writtenBy = (until: Date | null) => (until ? lte(studioMessages.createdAt, until) : undefined);

const reply = alias(studioMessages, "reply");
const replyAuthor = alias(users, "reply_author");

/** Messages matching `where`, in their wire shape. */
export async function selectMessages(
  db: Db,
  where: SQL | undefined,
  order: "asc" | "desc",
  limit: number,
): Promise<StudioMessage[]> {
  const rows = await db
    .select({
      m: studioMessages,
      authorName: users.displayName,
      replyId: reply.id,
      replySeq: reply.seq,
      replyText: reply.text,
      replyWithdrawnAt: reply.withdrawnAt,
      replyAuthorName: replyAuthor.displayName,
      attId: studioAttachments.id,
      attStudioId: studioAttachments.studioId,
      attName: studioAttachments.name,
      attMime: studioAttachments.mime,
      attSize: studioAttachments.size,
    })
    .from(studioMessages)
    .innerJoin(users, eq(users.id, studioMessages.authorId))
    .leftJoin(reply, eq(reply.id, studioMessages.replyToId))
    .leftJoin(replyAuthor, eq(replyAuthor.id, reply.authorId))
    .leftJoin(studioAttachments, eq(studioAttachments.id, studioMessages.attachmentId))
    .where(where)
    .orderBy(order === "asc" ? asc(studioMessages.seq) : desc(studioMessages.seq))
    .limit(limit);
  return rows.map((r) =>
    toMessage(
      r.m,
      r.authorName,
      r.replyId
        ? {
            id: r.replyId,
            seq: r.replySeq!,
            text: r.replyText!,
            withdrawnAt: r.replyWithdrawnAt,
            authorName: r.replyAuthorName ?? "",
          }
        : null,
      r.attId ? { id: r.attId, studioId: r.attStudioId!, name: r.attName!, mime: r.attMime!, size: r.attSize! } : null,
    ),
  );
}

export async function messageById(
  db: Db,
  studioId: string,
  messageId: string,
  until: Date | null = null,
): Promise<StudioMessage | null> {
  const [m] = await selectMessages(
    db,
    and(eq(studioMessages.studioId, studioId), eq(studioMessages.id, messageId), writtenBy(until)),
    "asc",
    1,
  );
  return m ?? null;
}

/** A page of history, oldest first: before a seq (scrolling up), after a seq (catching up) or the newest. */
export async function historyPage(
  db: Db,
  studioId: string,
  page: { before?: number; after?: number; limit: number },
  until: Date | null = null,
): Promise<StudioMessage[]> {
  const inStudio = and(eq(studioMessages.studioId, studioId), writtenBy(until));
  if (page.after !== undefined) {
    return selectMessages(db, and(inStudio, gt(studioMessages.seq, page.after)), "asc", page.limit);
  }
  const where = page.before !== undefined ? and(inStudio, lt(studioMessages.seq, page.before)) : inStudio;
  return (await selectMessages(db, where, "desc", page.limit)).reverse();
}

export async function pinnedMessages(db: Db, studioId: string, until: Date | null = null): Promise<StudioMessage[]> {
  return selectMessages(
    db,
    and(
      eq(studioMessages.studioId, studioId),
      isNotNull(studioMessages.pinnedAt),
      isNull(studioMessages.withdrawnAt),
      writtenBy(until),
    ),
    "asc",
    100,
  );
}

/** Messages at or before `upToSeq` that were edited, withdrawn or (un)pinned after `since`. */
export async function changedMessages(
  db: Db,
  studioId: string,
  upToSeq: number,
  since: Date,
  until: Date | null = null,
): Promise<StudioMessage[]> {
  return selectMessages(
    db,
    and(
      eq(studioMessages.studioId, studioId),
      writtenBy(until),
      sql`${studioMessages.seq} <= ${upToSeq}`,
      gt(studioMessages.changedAt, since),
    ),
    "asc",
    500,
  );
}

/** Escapes LIKE wildcards so the search text is matched literally. */
function likePattern(q: string) {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Substring search within one studio. A studio holds a few thousand messages over a term, so a
 * scan of its rows with ILIKE is fast and finds any Chinese substring ("上海" in "我家在上海东边")
 * with no word segmentation to get wrong.
 */
export async function searchMessages(
  db: Db,
  studioId: string,
  q: string,
  until: Date | null = null,
): Promise<StudioMessage[]> {
  return selectMessages(
    db,
    and(
      eq(studioMessages.studioId, studioId),
      writtenBy(until),
      isNull(studioMessages.withdrawnAt),
      sql`${studioMessages.text} ilike ${likePattern(q)} escape '\\'`,
    ),
    "desc",
    50,
  );
}

export async function messagesInRange(db: Db, studioId: string, from: Date, to: Date): Promise<StudioMessage[]> {
  return selectMessages(
    db,
    and(
      eq(studioMessages.studioId, studioId),
      sql`${studioMessages.createdAt} >= ${from.toISOString()}`,
      sql`${studioMessages.createdAt} <= ${to.toISOString()}`,
    ),
    "asc",
    100_000,
  );
}

export async function attachmentsByIds(db: Db, ids: string[]): Promise<AttachmentMeta[]> {
  if (ids.length === 0) return [];
  return db
    .select({
      id: studioAttachments.id,
      studioId: studioAttachments.studioId,
      name: studioAttachments.name,
      mime: studioAttachments.mime,
      size: studioAttachments.size,
    })
    .from(studioAttachments)
    .where(inArray(studioAttachments.id, ids));
}
