import { CAPABILITY_LABELS, ROLE_LABELS } from "../../shared/enums.ts";
import {
  type ForumArchive,
  BALLOT_MECHANISM_LABELS,
  BALLOT_MECHANISMS,
  SCORE_ITEMS,
  type ScoreGroupResult,
  type ScoreItem,
} from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import { conflict } from "../lib/errors.ts";
import type { ForumsContext } from "./live.ts";
import { seesPending } from "./policy.ts";
import { chatHistory, getForum, questionsFor } from "./service.ts";
import { forumCommitments } from "../commitments/service.ts";
import { COMMITMENT_STATUS_LABELS } from "../../shared/commitments.ts";

const ITEM_LABELS: Record<ScoreItem, string> = { ...CAPABILITY_LABELS, overall: "总体评价" };
const STATUS_LABELS = { pending: "待审核", open: "待回答", answered: "已回答", dismissed: "已撤下" } as const;
const ARCHIVE_CHAT_LIMIT = 10_000;

/**
 * What happened in an ended forum: agenda and decks, every question with its state and answer note,
 * the commitments made, chat, frozen scores. Questions come from `questionsFor`, so an anonymous
 * question has no author here — nor in the Markdown and CSV made from this — whoever asks for it.
 */
export async function buildArchive(ctx: ForumsContext, user: UserRow, forumId: string): Promise<ForumArchive> {
  const forum = await getForum(ctx.db, forumId);
  if (forum.status !== "ended") throw conflict("论坛结束后才能查看归档");
  const host = seesPending(user, forum);
  const [questions, commitments, chat, scoreboards] = await Promise.all([
    questionsFor(ctx.db, forumId, { userId: user.id, seesPending: host }),
    forumCommitments(ctx.db, user, forumId),
    chatHistory(ctx.db, forumId, ARCHIVE_CHAT_LIMIT),
    ctx.live.scoring.scoreboards(forum),
  ]);
  return { forum, questions, commitments, chat, scoreboards };
}

const time = (isoString: string) =>
  new Date(isoString).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });

/** Markdown for minutes and reports; user text is escaped so it cannot forge headings or links. */
export function archiveMarkdown(archive: ForumArchive): string {
  const esc = (s: string) => s.replace(/([\\`*_{}[\]()#+\-.!|>])/g, "\\$1").replace(/\r?\n/g, " ");
  const { forum } = archive;
  const lines: string[] = [];
  lines.push(`# ${esc(forum.title)}`, "");
  lines.push(`- 形式：${forum.mode === "examination" ? "群众考书记" : "书记论坛"}`);
  if (forum.theme) lines.push(`- 主题：${esc(forum.theme)}`);
  lines.push(`- 主持人：${esc(forum.hostName)}`);
  lines.push(`- 时间：${time(forum.startedAt ?? forum.startsAt)} — ${forum.endedAt ? time(forum.endedAt) : ""}`, "");

  lines.push("## 议程", "");
  for (const talk of forum.talks) {
    const cap = talk.capability ? `（${CAPABILITY_LABELS[talk.capability]}）` : "";
    const deck = talk.deck ? `，演示文稿：${esc(talk.deck.fileName)}（${talk.deck.pageCount ?? "?"} 页）` : "";
    lines.push(`${talk.position}. ${esc(talk.title)}${cap} — ${esc(talk.presenterName)}${deck}`);
  }
  lines.push("");

  if (archive.scoreboards.length) {
    lines.push("## 评分结果", "");
    for (const board of archive.scoreboards) {
      const talk = forum.talks.find((t) => t.id === board.talkId);
      lines.push(`### ${esc(talk?.title ?? "")}`, "");
      lines.push(`有效评分 ${board.ballots} 份，加权总分 ${board.total ?? "—"}`, "");
      for (const g of board.groups) {
        lines.push(
          `- ${esc(g.name)}（权重 ${g.weight}）：${g.ballots} 份（${mechanismLine(g)}），平均分 ${groupAverage(g) ?? "—"}`,
        );
      }
      lines.push("");
      lines.push(
        `| 项目 | ${board.groups.map((g) => `${esc(g.name)}（权重 ${g.weight}，${g.ballots} 份）`).join(" | ")} | 加权 |`,
      );
      lines.push(`|${" --- |".repeat(board.groups.length + 2)}`);
      for (const item of SCORE_ITEMS) {
        const cells = board.groups.map((g) => (g.means ? g.means[item].toFixed(2) : "—"));
        lines.push(
          `| ${ITEM_LABELS[item]} | ${cells.join(" | ")} | ${board.weighted ? board.weighted[item].toFixed(2) : "—"} |`,
        );
      }
      lines.push("");
    }
  }

  lines.push("## 提问", "");
  if (!archive.questions.length) lines.push("（无）");
  for (const q of [...archive.questions].sort((a, b) => b.votes - a.votes)) {
    const who = q.author ? q.author.displayName : "匿名";
    lines.push(`- 【${STATUS_LABELS[q.status]}】${esc(q.text)} —— ${esc(who)}，${q.votes} 票`);
    if (q.answerNote) lines.push(`  - 现场答复：${esc(q.answerNote)}`);
  }
  lines.push("", "## 承诺事项", "");
  if (!archive.commitments.length) lines.push("（无）");
  for (const c of archive.commitments) {
    const note = c.note ? `，${esc(c.note)}` : "";
    lines.push(
      `- 【${COMMITMENT_STATUS_LABELS[c.status]}】${esc(c.content)} —— ${esc(c.ownerName)}，期限 ${c.dueOn}${note}`,
    );
  }
  lines.push("", "## 讨论区", "");
  if (!archive.chat.length) lines.push("（无）");
  for (const m of archive.chat) {
    lines.push(`- ${time(m.createdAt)} ${esc(m.author.displayName)}（${ROLE_LABELS[m.author.role]}）：${esc(m.text)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Scores as CSV: one row per talk and group plus the weighted row. Aggregates only, like the scoreboard. */
export function archiveScoresCsv(archive: ForumArchive): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? "" : String(v);
    // a leading = + - @ would run as a formula in a spreadsheet
    const safe = /^[=+\-@]/.test(s) && typeof v === "string" ? `'${s}` : s;
    return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const header = [
    "发言",
    "发言人",
    "群体",
    "权重",
    "评分份数",
    ...BALLOT_MECHANISMS.map((m) => `${BALLOT_MECHANISM_LABELS[m]}份数`),
    ...SCORE_ITEMS.map((i) => ITEM_LABELS[i]),
    "平均分",
    "加权总分",
  ];
  const rows: (string | number | null)[][] = [header];
  for (const board of archive.scoreboards) {
    const talk = archive.forum.talks.find((t) => t.id === board.talkId);
    for (const g of board.groups) {
      rows.push([
        talk?.title ?? "",
        talk?.presenterName ?? "",
        g.name,
        g.weight,
        g.ballots,
        ...BALLOT_MECHANISMS.map((m) => g.byMechanism?.[m] ?? 0),
        ...SCORE_ITEMS.map((i) => (g.means ? g.means[i] : null)),
        groupAverage(g),
        null,
      ]);
    }
    const byMechanism = BALLOT_MECHANISMS.map((m) =>
      board.groups.reduce((sum, g) => sum + (g.byMechanism?.[m] ?? 0), 0),
    );
    rows.push([
      talk?.title ?? "",
      talk?.presenterName ?? "",
      "加权结果",
      null,
      board.ballots,
      ...byMechanism,
      ...SCORE_ITEMS.map((i) => (board.weighted ? board.weighted[i] : null)),
      null,
      board.total,
    ]);
  }
  return `\uFEFF${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** A group's mean over the seven items (its 平均分 on the result sheet). */
function groupAverage(g: ScoreGroupResult): number | null {
  if (!g.means) return null;
  return Math.round((SCORE_ITEMS.reduce((sum, i) => sum + g.means![i], 0) / SCORE_ITEMS.length) * 100) / 100;
}

const mechanismLine = (g: ScoreGroupResult) =>
  BALLOT_MECHANISMS.map((m) => `${BALLOT_MECHANISM_LABELS[m]} ${g.byMechanism?.[m] ?? 0}`).join("，");
