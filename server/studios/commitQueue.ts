import { sql } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import { type Db, queryRows } from "../db/client.ts";
import type { studioMessages } from "./schema.ts";

/**
 * Group commit for studio messages. Sends that arrive while a commit is in flight wait and go
 * together in the next transaction, so under load one BEGIN … COMMIT (and one WAL flush) carries
 * many messages, and with a single sender it is one message per transaction as before. A caller is
 * answered only after the transaction holding its message has committed.
 *
 * In the transaction: the studios' counter rows are locked in id order (two processes committing
 * batches that share studios cannot deadlock), stored clientIds are looked up under that lock (a retry
 * racing its original finds it), each counter is advanced by the number of new messages, and the new
 * messages are inserted with consecutive seqs in arrival order. Nothing is rolled back on a retry, so
 * seqs never have gaps.
 */

export type MessageRow = typeof studioMessages.$inferSelect;
export type NewMessage = Omit<typeof studioMessages.$inferInsert, "seq" | "id">;

interface Waiting {
  message: NewMessage;
  resolve(result: { row: MessageRow; created: boolean } | { duplicateOf: string }): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 500;
const key = (m: { studioId: string; clientId: string }) => `${m.studioId}\u0000${m.clientId}`;

export class CommitQueue {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly ctx: Pick<AppContext, "db" | "log">) {}

  /**
   * Resolves with the committed row (`created: true`), or `duplicateOf` (the stored message's id)
   * when this studio already holds a message with the same clientId.
   */
  submit(message: NewMessage): Promise<{ row: MessageRow; created: boolean } | { duplicateOf: string }> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ message, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain() {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        // Let the sockets' pending input be read first: PGlite runs each statement synchronously on
        // this thread, so without this pause every batch would hold only what arrived before it began.
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          await this.commit(batch);
        } catch (error) {
          // One bad message must not fail the others: commit them one by one.
          this.ctx.log.warn({ err: error, size: batch.length }, "studio batch commit failed; retrying singly");
          for (const item of batch) {
            try {
              await this.commit([item]);
            } catch (single) {
              item.reject(single);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Waiting[]) {
    // Within the batch, a repeated clientId rides on the first one.
    const first = new Map<string, Waiting>();
    const riders: [Waiting, string][] = [];
    for (const item of batch) {
      const k = key(item.message);
      if (first.has(k)) riders.push([item, k]);
      else first.set(k, item);
    }
    const items = [...first.values()];

    const outcome = await this.ctx.db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      const studioIds = [...new Set(items.map((i) => i.message.studioId))].sort();
      const idList = sql.join(
        studioIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      );
      await queryRows(txDb, sql`select id from studios where id in (${idList}) order by id for update`);
      // One statement, its snapshot taken after the locks: find the clientIds already stored, advance
      // each counter by the number of new messages, insert those with consecutive seqs in arrival
      // order. (Each statement with parameters costs the driver an extra describe round trip, so the
      // work is in one rather than three.)
      const incoming = sql.join(
        items.map(
          (i, ord) =>
            sql`(${ord}::int, ${i.message.studioId}::uuid, ${i.message.clientId}::text, ${i.message.authorId}::uuid, ${i.message.text}::text, ${i.message.replyToId ?? null}::uuid, ${i.message.attachmentId ?? null}::uuid, ${JSON.stringify(i.message.mentions ?? [])}::jsonb)`,
        ),
        sql`, `,
      );
      const result = await queryRows<{ duplicate: boolean; row: unknown }>(
        txDb,
        sql`with incoming (ord, studio_id, client_id, author_id, text, reply_to_id, attachment_id, mentions) as (values ${incoming}),
          dup as (
            select m.id, m.studio_id, m.client_id from studio_messages m
            join incoming i on m.studio_id = i.studio_id and m.client_id = i.client_id
          ),
          fresh as (
            select i.* from incoming i
            where not exists (select 1 from dup d where d.studio_id = i.studio_id and d.client_id = i.client_id)
          ),
          counts as (select studio_id, count(*)::int as k from fresh group by studio_id),
          bumped as (
            update studios s set last_seq = s.last_seq + c.k from counts c where s.id = c.studio_id
            returning s.id, s.last_seq, c.k
          ),
          ins as (
            insert into studio_messages (studio_id, seq, client_id, author_id, text, reply_to_id, attachment_id, mentions)
            select f.studio_id, (b.last_seq - b.k + row_number() over (partition by f.studio_id order by f.ord))::int,
                   f.client_id, f.author_id, f.text, f.reply_to_id, f.attachment_id, f.mentions
            from fresh f join bumped b on b.id = f.studio_id
            returning *
          )
        select false as duplicate, to_jsonb(ins) as row from ins
        union all
        select true as duplicate, to_jsonb(dup) as row from dup`,
      );
      const rows: MessageRow[] = [];
      const storedBy = new Map<string, string>();
      for (const r of result) {
        const json = (typeof r.row === "string" ? JSON.parse(r.row) : r.row) as Record<string, unknown>;
        if (r.duplicate)
          storedBy.set(key({ studioId: String(json.studio_id), clientId: String(json.client_id) }), String(json.id));
        else rows.push(rowFromJson(json));
      }
      return { rows, storedBy };
    });

    const byKey = new Map(outcome.rows.map((r) => [key(r), r]));
    // Answer in seq order, so the fan-out that follows each answer goes out in order too.
    const answered = items
      .map((item) => ({ item, row: byKey.get(key(item.message)) }))
      .sort((a, b) => (a.row?.seq ?? 0) - (b.row?.seq ?? 0));
    for (const { item, row } of answered) {
      if (row) item.resolve({ row, created: true });
      else item.resolve({ duplicateOf: outcome.storedBy.get(key(item.message))! });
    }
    for (const [rider, k] of riders) {
      const row = byKey.get(k);
      rider.resolve({ duplicateOf: row ? row.id : outcome.storedBy.get(k)! });
    }
  }
}

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)));

/** A `studio_messages` row read back through `to_jsonb` (snake_case, ISO timestamps). */
function rowFromJson(j: Record<string, unknown>): MessageRow {
  return {
    id: String(j.id),
    studioId: String(j.studio_id),
    seq: Number(j.seq),
    clientId: String(j.client_id),
    authorId: String(j.author_id),
    kind: j.kind as MessageRow["kind"],
    text: String(j.text),
    replyToId: (j.reply_to_id as string | null) ?? null,
    attachmentId: (j.attachment_id as string | null) ?? null,
    taskId: (j.task_id as string | null) ?? null,
    mentions: (j.mentions as string[] | null) ?? [],
    createdAt: date(j.created_at)!,
    editedAt: date(j.edited_at),
    withdrawnAt: date(j.withdrawn_at),
    pinnedAt: date(j.pinned_at),
    changedAt: date(j.changed_at),
  };
}
