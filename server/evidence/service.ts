import { and, eq } from "drizzle-orm";
import type { Capability, Level } from "../../shared/enums.ts";
import type { EvidenceKind, EvidenceSource } from "../../shared/evidence.ts";
import type { Db } from "../db/client.ts";
import { evidence, levelChanges } from "./schema.ts";

export interface EvidenceItem {
  userId: string;
  kind: EvidenceKind;
  sourceKind: EvidenceSource;
  sourceId: string;
  at: Date;
  title: string;
  capabilities?: Capability[];
  score?: number | null;
  detail?: Record<string, unknown>;
}

/**
 * Records facts for the 成长档案. Pass the transaction that makes the fact, so both commit or
 * neither does. Writing the same fact again changes nothing (see the unique key in schema.ts).
 */
export async function recordEvidence(db: Pick<Db, "insert">, items: EvidenceItem | EvidenceItem[]): Promise<void> {
  const rows = Array.isArray(items) ? items : [items];
  if (rows.length === 0) return;
  await db
    .insert(evidence)
    .values(
      rows.map((item) => ({
        userId: item.userId,
        kind: item.kind,
        sourceKind: item.sourceKind,
        sourceId: item.sourceId,
        at: item.at,
        title: item.title,
        capabilities: item.capabilities ?? [],
        score: item.score ?? null,
        detail: item.detail ?? {},
      })),
    )
    .onConflictDoNothing({ target: [evidence.userId, evidence.kind, evidence.sourceKind, evidence.sourceId] });
}

/**
 * Takes a fact back (a host removed a check-in): its evidence goes in the same transaction.
 * Only the key is used; the other fields of `item` are ignored.
 */
export async function withdrawEvidence(
  db: Pick<Db, "delete">,
  item: Pick<EvidenceItem, "userId" | "kind" | "sourceKind" | "sourceId">,
): Promise<void> {
  await db
    .delete(evidence)
    .where(
      and(
        eq(evidence.userId, item.userId),
        eq(evidence.kind, item.kind),
        eq(evidence.sourceKind, item.sourceKind),
        eq(evidence.sourceId, item.sourceId),
      ),
    );
}

/**
 * One line of a person's level history, for a level changed outside the 成长档案 (the people
 * screen): the history stays whole whichever screen changed the level. Pass the changing transaction.
 */
export async function recordLevelChange(
  db: Pick<Db, "insert">,
  entry: { userId: string; fromLevel: Level; toLevel: Level; changedBy: string; reason: string },
): Promise<void> {
  await db.insert(levelChanges).values({ ...entry, evidenceIds: [] });
}
