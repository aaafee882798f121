import { and, eq, gte, lte } from "drizzle-orm";
import { CAPABILITY_LABELS, STUDIO_KIND_LABELS } from "../../shared/enums.ts";
import { TASK_STATE_LABELS, type ExportQuery, type StudioMessage, type StudioTask } from "../../shared/studios.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { StudiosContext } from "./state.ts";
import { invalidInput } from "../lib/errors.ts";
import { messagesInRange, pinnedMessages } from "./messages.ts";
import { studioTasks } from "./schema.ts";
import { getStudio, readAccess } from "./service.ts";
import { listTasks } from "./tasks.ts";

/** 带教记录: the mentoring record of a studio for a date range, as Markdown or (tasks) CSV. */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Dates are Beijing time; a bare day covers the whole day. */
function parseBound(value: string | undefined, end: boolean, fallback: Date): Date {
  if (!value) return fallback;
  const date = DAY.test(value) ? new Date(`${value}T${end ? "23:59:59.999" : "00:00:00"}+08:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidInput("日期格式不正确");
  return date;
}

const fmt = (iso: string | Date | null) =>
  iso
    ? new Date(iso).toLocaleString("zh-CN", {
        timeZone: "Asia/Shanghai",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
      })
    : "";

const oneLine = (text: string) => text.replace(/\r?\n/g, " ").trim();

function messageLine(m: StudioMessage): string {
  const when = fmt(m.createdAt);
  if (m.withdrawnAt) return `- ${when} **${m.authorName}**：（已撤回）`;
  const parts = [`- ${when} **${m.authorName}**：`];
  if (m.kind === "system") return `- ${when} 【${oneLine(m.text)}】`;
  if (m.kind === "task") parts.push("【布置任务】");
  if (m.replyTo) parts.push(`（回复 ${m.replyTo.authorName}：“${oneLine(m.replyTo.text).slice(0, 40)}”）`);
  parts.push(oneLine(m.text));
  if (m.attachment) parts.push(` [附件：${m.attachment.name}]`);
  if (m.editedAt) parts.push(`（已编辑 ${fmt(m.editedAt)}）`);
  return parts.join("");
}

function taskState(task: StudioTask, s: StudioTask["states"][number], now: Date) {
  const overdue = s.state !== "done" && new Date(task.dueAt) < now;
  return `${TASK_STATE_LABELS[s.state]}${overdue ? "（已逾期）" : ""}`;
}

export async function exportRecord(
  ctx: Pick<StudiosContext, "studios" | "db" | "io" | "log" | "limits" | "words" | "redis">,
  user: UserRow,
  studioId: string,
  query: ExportQuery,
) {
  // a leaver's record stops at the instant they left, whatever range they ask for
  const { until } = await readAccess(ctx, studioId, user);
  const studio = await getStudio(ctx, user, studioId);
  const from = parseBound(query.from, false, new Date(studio.termStartsAt));
  const asked = parseBound(query.to, true, new Date());
  const to = until && until < asked ? until : asked;
  if (to < from) throw invalidInput("结束日期不能早于开始日期");
  const taskIds = (
    await ctx.db
      .select({ id: studioTasks.id })
      .from(studioTasks)
      .where(and(eq(studioTasks.studioId, studioId), gte(studioTasks.createdAt, from), lte(studioTasks.createdAt, to)))
  ).map((t) => t.id);
  const tasks = taskIds.length ? await listTasks(ctx, studioId, taskIds) : [];
  const now = new Date();
  const range = `${fmt(from).slice(0, 10)}_${fmt(to).slice(0, 10)}`.replace(/\//g, "-");

  if (query.format === "csv") {
    const rows = [["任务", "能力", "布置时间", "截止时间", "学员", "状态", "收到时间", "完成时间"]];
    for (const t of tasks) {
      for (const s of t.states) {
        rows.push([
          t.title,
          t.capability ? CAPABILITY_LABELS[t.capability] : "",
          fmt(t.createdAt),
          fmt(t.dueAt),
          s.displayName,
          taskState(t, s, now),
          fmt(s.receivedAt),
          fmt(s.doneAt),
        ]);
      }
    }
    // BOM so that Excel opens the UTF-8 file as Chinese; cells starting with = + - @ are quoted as text.
    const csv = `\uFEFF${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
    return { body: csv, type: "text/csv; charset=utf-8", filename: `带教任务_${studio.name}_${range}.csv` };
  }

  const messages = await messagesInRange(ctx.db, studioId, from, to);
  const pins = await pinnedMessages(ctx.db, studioId, until);
  const mentor = studio.members.find((m) => m.role === "mentor");
  const mentees = studio.members.filter((m) => m.role === "mentee");
  const lines = [
    `# 带教记录：${studio.name}`,
    "",
    `- 类型：${STUDIO_KIND_LABELS[studio.kind]}`,
    `- ${studio.kind === "bangdai" ? "老书记" : "导师"}：${mentor?.displayName ?? ""}`,
    `- ${studio.kind === "bangdai" ? "后备人选" : "学员"}：${mentees.map((m) => m.displayName).join("、")}`,
    ...(studio.formerMembers.length
      ? [`- 已离开：${studio.formerMembers.map((m) => `${m.displayName}（${fmt(m.leftAt).slice(0, 10)}）`).join("、")}`]
      : []),
    `- 任期：${fmt(studio.termStartsAt).slice(0, 10)} 至 ${fmt(studio.termEndsAt).slice(0, 10)}`,
    `- 记录范围：${fmt(from)} 至 ${fmt(to)}`,
    `- 导出时间：${fmt(now)}`,
    "",
    "## 置顶指导",
    "",
    ...(pins.length ? pins.map(messageLine) : ["（无）"]),
    "",
    "## 任务",
    "",
  ];
  if (tasks.length) {
    lines.push("| 任务 | 能力 | 截止时间 | 学员 | 状态 |", "| --- | --- | --- | --- | --- |");
    for (const t of tasks) {
      for (const s of t.states) {
        lines.push(
          `| ${mdCell(t.title)} | ${t.capability ? CAPABILITY_LABELS[t.capability] : ""} | ${fmt(t.dueAt)} | ${mdCell(s.displayName)} | ${taskState(t, s, now)} |`,
        );
      }
    }
  } else lines.push("（无）");
  lines.push(
    "",
    `## 消息记录（${messages.length} 条）`,
    "",
    ...(messages.length ? messages.map(messageLine) : ["（无）"]),
    "",
  );
  return {
    body: lines.join("\n"),
    type: "text/markdown; charset=utf-8",
    filename: `带教记录_${studio.name}_${range}.md`,
  };
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const mdCell = (value: string) => oneLine(value).replace(/\|/g, "\\|");
