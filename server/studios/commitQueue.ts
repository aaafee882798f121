import { sql } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import { type Db, queryRows } from "../db/client.ts";
import { studioMessages } from "./schema.ts";

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
const queues = new WeakMap<Db, CommitQueue>();

export function commitQueue(ctx: Pick<AppContext, "db" | "log">): CommitQueue {
  let queue = queues.get(ctx.db);
  if (!queue) {
    queue = new CommitQueue(ctx);
    queues.set(ctx.db, queue);
  }
  return queue;
}

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
      // Both lists as arrays keep this an index scan on unique(studio_id, client_id); the
      // cross-product matches are narrowed to the real pairs below.
      const clientIds = sql.join(
        items.map((i) => sql`${i.message.clientId}`),
        sql`, `,
      );
      const stored = await queryRows<{ id: string; studio_id: string; client_id: string }>(
        txDb,
        sql`select id, studio_id, client_id from studio_messages
            where studio_id in (${idList}) and client_id in (${clientIds})`,
      );
      const storedBy = new Map(stored.map((s) => [key({ studioId: s.studio_id, clientId: s.client_id }), s.id]));
      for (const k of [...storedBy.keys()]) if (!first.has(k)) storedBy.delete(k);
      const fresh = items.filter((i) => !storedBy.has(key(i.message)));
      if (fresh.length === 0) return { rows: [] as MessageRow[], storedBy };

      const counts = new Map<string, number>();
      for (const i of fresh) counts.set(i.message.studioId, (counts.get(i.message.studioId) ?? 0) + 1);
      const values = sql.join(
        [...counts].map(([id, k]) => sql`(${id}::uuid, ${k}::int)`),
        sql`, `,
      );
      const counters = await queryRows<{ id: string; last_seq: number }>(
        txDb,
        sql`update studios s set last_seq = s.last_seq + v.k from (values ${values}) as v(id, k)
            where s.id = v.id returning s.id, s.last_seq`,
      );
      const next = new Map(counters.map((c) => [c.id, Number(c.last_seq) - counts.get(c.id)! + 1]));
      const rows = fresh.map((i) => {
        const seq = next.get(i.message.studioId)!;
        next.set(i.message.studioId, seq + 1);
        return { ...i.message, seq };
      });
      const inserted = await tx.insert(studioMessages).values(rows).returning();
      return { rows: inserted, storedBy };
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
