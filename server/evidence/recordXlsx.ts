import { CAPABILITY_LABELS, LEVEL_LABELS } from "../../shared/enums.ts";
import { EVIDENCE_KIND_LABELS } from "../../shared/evidence.ts";
import type { GrowthRecord } from "../../shared/growth.ts";
import { DISTRICT_TIME_ZONE } from "../trainings/time.ts";
import { addTableSheet, newWorkbook, workbookBytes } from "../lib/xlsx.ts";

const localDate = (iso: string) => new Date(iso).toLocaleDateString("sv-SE", { timeZone: DISTRICT_TIME_ZONE });

/** A person's year as a spreadsheet: the timeline, then the capability profile, with Chinese headers. */
export async function recordWorkbook(record: GrowthRecord): Promise<Buffer> {
  const workbook = newWorkbook();
  const timeline = addTableSheet(workbook, `${record.year}年成长档案`, [
    { header: "日期", key: "date", width: 12 },
    { header: "类别", key: "kind", width: 14 },
    { header: "内容", key: "title", width: 40 },
    { header: "体现能力", key: "capabilities", width: 30 },
    { header: "得分（百分制）", key: "score", width: 14 },
    { header: "学时", key: "hours", width: 8 },
  ]);
  for (const item of record.evidence) {
    timeline.addRow({
      date: localDate(item.at),
      kind: EVIDENCE_KIND_LABELS[item.kind],
      title: item.title,
      capabilities: item.capabilities.map((c) => CAPABILITY_LABELS[c]).join("、"),
      score: item.score ?? "",
      hours: typeof item.detail.hours === "number" ? item.detail.hours : "",
    });
  }

  const profile = addTableSheet(workbook, "六能力", [
    { header: "能力", key: "capability", width: 14 },
    { header: "证据条数", key: "count", width: 10 },
    { header: "有得分条数", key: "scored", width: 12 },
    { header: "平均得分", key: "average", width: 10 },
    { header: "能力值", key: "value", width: 10 },
  ]);
  for (const c of record.capabilities) {
    profile.addRow({
      capability: CAPABILITY_LABELS[c.capability],
      count: c.count,
      scored: c.scored,
      average: c.average ?? "",
      value: c.value,
    });
  }
  profile.addRow({});
  profile.addRow({ capability: "姓名", count: record.user.displayName });
  profile.addRow({ capability: "当前层级", count: LEVEL_LABELS[record.user.level] });
  if (record.hours) {
    profile.addRow({ capability: "应修学时", count: record.hours.required });
    profile.addRow({ capability: "已修学时", count: record.hours.done });
  }
  return workbookBytes(workbook);
}
