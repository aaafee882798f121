import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { type Db, queryRows } from "../db/client.ts";
import type { FileService } from "./service.ts";

export interface InlineBytes {
  table: PgTable;
  key: PgColumn;
  /** the old bytea column, emptied once its bytes are in the store */
  data: PgColumn;
  /** the new column naming the stored file */
  sha256: PgColumn;
}

/**
 * Moves bytes that an older version kept inside the database into the file store, one row at a
 * time (only one file is ever in memory), each row switched in one UPDATE. Safe to run at every
 * start and from several processes: a row already moved is no longer selected, and storing the
 * same content twice is harmless.
 */
export async function moveBytesOut(files: FileService, db: Db, target: InlineBytes): Promise<number> {
  let moved = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const [row] = await queryRows<{ key: string; data: Uint8Array }>(
      db,
      sql`select ${target.key} as key, ${target.data} as data from ${target.table} where ${target.data} is not null limit 1`,
    );
    if (!row) break;
    const tempPath = join(files.tempDir, `move-${randomUUID()}`);
    await writeFile(tempPath, row.data);
    const { sha256 } = await files.keepFile(tempPath);
    await db.execute(
      sql`update ${target.table} set ${sql.identifier(target.sha256.name)} = ${sha256}, ${sql.identifier(target.data.name)} = null where ${target.key} = ${row.key}`,
    );
    moved += 1;
  }
  return moved;
}
