import { z } from "zod";
import { LevelSchema } from "./enums.ts";
import type { Capability, Level } from "./vocabulary.ts";
import type { EvidenceKind, EvidenceSource } from "./evidence.ts";
import { IdSchema } from "./ids.ts";
import type { LedgerRow } from "./trainings.ts";

/** 成长档案: one person's year of evidence, capability profile, level history and notes. */

export const GROWTH_LIMITS = {
  reasonMax: 500,
  noteMax: 2_000,
  evidencePerLevelChange: 20,
  /** a year's timeline is cut here (a person makes a few hundred items a year at most) */
  timelineMax: 2_000,
} as const;

export const RecordQuerySchema = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export type RecordQuery = z.infer<typeof RecordQuerySchema>;

export const ChangeLevelSchema = z.object({
  level: LevelSchema,
  reason: z.string().trim().min(2).max(GROWTH_LIMITS.reasonMax),
  evidenceIds: z.array(IdSchema).max(GROWTH_LIMITS.evidencePerLevelChange).default([]),
});
export type ChangeLevel = z.infer<typeof ChangeLevelSchema>;

export const CreateNoteSchema = z.object({ body: z.string().trim().min(1).max(GROWTH_LIMITS.noteMax) });
export type CreateNote = z.infer<typeof CreateNoteSchema>;

export interface EvidenceEntry {
  id: string;
  kind: EvidenceKind;
  sourceKind: EvidenceSource;
  sourceId: string;
  at: string;
  title: string;
  capabilities: Capability[];
  /** 0–100, where the item has a score */
  score: number | null;
  detail: Record<string, unknown>;
  /** where the source opens in the hub, or null when it has no page */
  link: string | null;
}

/** One axis of the radar: see docs/growth.md for the rule. */
export interface CapabilityScore {
  capability: Capability;
  /** items tagged with this capability */
  count: number;
  /** of those, the items with a score */
  scored: number;
  /** mean score (0–100) of the scored items, null when none */
  average: number | null;
  /** min(count, 10) × 5 + (average ?? 0) × 0.5, rounded: 0–100 */
  value: number;
}

export interface PersonRef {
  id: string;
  displayName: string;
}

export interface LevelChangeEntry {
  id: string;
  from: Level;
  to: Level;
  changedBy: PersonRef;
  at: string;
  reason: string;
  /** the cited items still on record (an item taken back since is left out) */
  evidence: { id: string; title: string; link: string | null }[];
}

export interface AssessmentNote {
  id: string;
  author: PersonRef;
  body: string;
  at: string;
}

export interface GrowthRecord {
  user: PersonRef & { level: Level; communityName: string | null; streetName: string | null };
  year: number;
  /** the person's line of the training ledger; null for people the ledger does not count */
  hours: LedgerRow | null;
  evidence: EvidenceEntry[];
  capabilities: CapabilityScore[];
  levelHistory: LevelChangeEntry[];
  notes: AssessmentNote[];
  /** what the viewer may do here */
  can: { changeLevel: boolean; writeNote: boolean };
}

/** The capability value's two parts, shared by the server's SQL and the docs' hand computation. */
export const CAPABILITY_COUNT_CAP = 10;
export const CAPABILITY_POINTS_PER_ITEM = 5;
export const CAPABILITY_SCORE_WEIGHT = 0.5;
export const capabilityValue = (count: number, average: number | null) =>
  Math.round(
    Math.min(count, CAPABILITY_COUNT_CAP) * CAPABILITY_POINTS_PER_ITEM + (average ?? 0) * CAPABILITY_SCORE_WEIGHT,
  );
