import type { AssessmentNote, GrowthRecord, LevelChangeEntry } from "../../../../shared/growth.ts";
import type { Level } from "../../../../shared/vocabulary.ts";
import { api } from "../../api.ts";

const base = (id: string) => `/api/people/${encodeURIComponent(id)}`;

/** REST calls of the 成长档案, typed by the shared contract. */
export const growthApi = {
  record: (id: string, year: number, signal?: AbortSignal) =>
    api<GrowthRecord>(`${base(id)}/record?year=${year}`, { signal }),
  xlsxUrl: (id: string, year: number) => `${base(id)}/record.xlsx?year=${year}`,
  changeLevel: (id: string, body: { level: Level; reason: string; evidenceIds: string[] }) =>
    api<{ levelChange: LevelChangeEntry }>(`${base(id)}/level`, { method: "POST", body }),
  addNote: (id: string, body: string) =>
    api<{ note: AssessmentNote }>(`${base(id)}/notes`, { method: "POST", body: { body } }),
};
