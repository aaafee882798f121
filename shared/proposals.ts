/* Wire contract of the proposals feature (党建创新项目): REST bodies, the document structure shared by
 * the editor and the server's template/restore/export, and the pure helpers both sides use. */
import { z } from "zod";
import { LIMITS } from "./limits.ts";

// ---------------------------------------------------------------------------------------------
// Status, roles

/** draft → submitted → in_review → returned | approved; returned → submitted again. */
export const PROPOSAL_STATUSES = ["draft", "submitted", "in_review", "returned", "approved"] as const;
export const ProposalStatusSchema = z.enum(PROPOSAL_STATUSES);
export type ProposalStatus = z.infer<typeof ProposalStatusSchema>;

export const PROPOSAL_STATUS_LABELS: Record<ProposalStatus, string> = {
  draft: "草稿",
  submitted: "已提交",
  in_review: "评审中",
  returned: "已退回",
  approved: "已通过",
};

/** Statuses in which owner and editors may change the document. */
export const EDITABLE_STATUSES: readonly ProposalStatus[] = ["draft", "returned"];

export const MEMBER_ROLES = ["editor", "viewer"] as const;
export const MemberRoleSchema = z.enum(MEMBER_ROLES);
export type MemberRole = z.infer<typeof MemberRoleSchema>;

/** What the signed-in user is on one proposal (computed by the server). */
export type ProposalRole = "owner" | "editor" | "viewer" | "reviewer" | "admin";

// ---------------------------------------------------------------------------------------------
// The document: one Y.XmlFragment named "default" (Tiptap Collaboration's default field), holding
// ProseMirror nodes: heading{level}, paragraph, table/tableRow/tableHeader/tableCell, lists…

export const PROPOSAL_DOC_FIELD = "default";
export const proposalDocName = (id: string) => `proposal:${id}`;

/** The template: one level-2 heading per section. */
export const PROPOSAL_SECTIONS = [
  "项目名称",
  "背景与问题",
  "服务对象",
  "项目目标",
  "实施步骤与时间表",
  "预算",
  "风险与应对",
  "评估指标",
  "预期成效",
] as const;
export type ProposalSection = (typeof PROPOSAL_SECTIONS)[number];
export const BUDGET_SECTION: ProposalSection = "预算";
export const BUDGET_HEADERS = ["支出项目", "金额（元）", "说明"] as const;

/** ProseMirror JSON (what `editor.getJSON()` gives and what the server builds from Yjs). */
export interface PmNode {
  type: string;
  attrs?: Record<string, unknown>;
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  content?: PmNode[];
}

/** Plain text of a node and its descendants (blocks joined without separators). */
export function nodeText(node: PmNode): string {
  if (node.type === "text") return node.text ?? "";
  if (node.type === "hardBreak") return "\n";
  return (node.content ?? []).map(nodeText).join("");
}

export interface SectionView {
  title: string;
  /** the blocks between this heading and the next level-1/2 heading */
  blocks: PmNode[];
  filled: boolean;
}

/** Splits the document at its level-1/2 headings. Blocks before the first heading are ignored. */
export function splitSections(doc: PmNode): SectionView[] {
  const sections: SectionView[] = [];
  for (const block of doc.content ?? []) {
    if (block.type === "heading" && Number(block.attrs?.level ?? 1) <= 2) {
      sections.push({ title: nodeText(block).trim(), blocks: [], filled: false });
    } else if (sections.length > 0) {
      sections.at(-1)!.blocks.push(block);
    }
  }
  for (const section of sections) {
    section.filled = section.blocks.some((b) =>
      b.type === "table"
        ? tableRows(b)
            .slice(1)
            .some((row) => row.some((cell) => cell.trim() !== ""))
        : nodeText(b).trim() !== "",
    );
  }
  return sections;
}

/** Which template sections are present and filled in. */
export function completeness(doc: PmNode): { section: ProposalSection; present: boolean; filled: boolean }[] {
  const sections = splitSections(doc);
  return PROPOSAL_SECTIONS.map((name) => {
    const found = sections.find((s) => s.title === name);
    return { section: name, present: !!found, filled: !!found?.filled };
  });
}

/** A table's cells as text, row by row. */
export function tableRows(table: PmNode): string[][] {
  return (table.content ?? []).map((row) => (row.content ?? []).map((cell) => nodeText(cell).trim()));
}

/** Reads a money amount like "1,200", "¥1200.5", "1200元"; null when the cell holds no number. */
export function parseAmount(text: string): number | null {
  const cleaned = text.replace(/[,，\s¥￥元]/g, "");
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
  return Number(cleaned);
}

export interface Budget {
  headers: string[];
  rows: string[][];
  /** index of the amount column (the header containing 金额), or -1 */
  amountColumn: number;
  total: number;
  /** rows whose amount cell is not empty and not a number */
  invalidRows: number[];
}

/** The first table in the 预算 section, with its computed total. */
export function budgetOf(doc: PmNode): Budget | null {
  const section = splitSections(doc).find((s) => s.title === BUDGET_SECTION);
  const table = section?.blocks.find((b) => b.type === "table");
  if (!table) return null;
  const [headers = [], ...rows] = tableRows(table);
  const amountColumn = headers.findIndex((h) => h.includes("金额"));
  let total = 0;
  const invalidRows: number[] = [];
  rows.forEach((row, i) => {
    const cell = amountColumn >= 0 ? (row[amountColumn] ?? "") : "";
    if (cell === "") return;
    const amount = parseAmount(cell);
    if (amount === null) invalidRows.push(i);
    else total += amount;
  });
  return { headers, rows, amountColumn, total: Math.round(total * 100) / 100, invalidRows };
}

export function formatYuan(amount: number): string {
  return amount.toLocaleString("zh-CN", { minimumFractionDigits: 0, maximumFractionDigits: 2 });
}

function inlineMarkdown(node: PmNode): string {
  if (node.type === "text") {
    let text = (node.text ?? "").replace(/([\\`*_[\]#|<>])/g, "\\$1");
    for (const mark of node.marks ?? []) {
      if (mark.type === "bold") text = `**${text}**`;
      else if (mark.type === "italic") text = `*${text}*`;
      else if (mark.type === "strike") text = `~~${text}~~`;
      else if (mark.type === "code") text = `\`${node.text ?? ""}\``;
    }
    return text;
  }
  if (node.type === "hardBreak") return "  \n";
  return (node.content ?? []).map(inlineMarkdown).join("");
}

function blockMarkdown(node: PmNode, indent = ""): string {
  switch (node.type) {
    case "heading":
      return `${"#".repeat(Math.min(6, Number(node.attrs?.level ?? 1)))} ${inlineMarkdown(node)}`;
    case "paragraph":
      return indent + inlineMarkdown(node);
    case "blockquote":
      return (node.content ?? []).map((b) => `> ${blockMarkdown(b)}`).join("\n>\n");
    case "codeBlock":
      return `\`\`\`\n${nodeText(node)}\n\`\`\``;
    case "horizontalRule":
      return "---";
    case "bulletList":
    case "orderedList":
      return (node.content ?? [])
        .map((item, i) => {
          const bullet = node.type === "bulletList" ? "-" : `${i + 1}.`;
          const inner = (item.content ?? []).map((b) => blockMarkdown(b)).join("\n");
          return `${indent}${bullet} ${inner.replace(/\n/g, `\n${indent}   `)}`;
        })
        .join("\n");
    case "table": {
      const rows = (node.content ?? []).map((row) =>
        (row.content ?? []).map((cell) =>
          (cell.content ?? [])
            .map((b) => inlineMarkdown(b))
            .join(" ")
            .replace(/\|/g, "\\|")
            .replace(/\n/g, " "),
        ),
      );
      if (rows.length === 0) return "";
      const width = Math.max(...rows.map((r) => r.length));
      const pad = (r: string[]) => [...r, ...Array(width - r.length).fill("")];
      const line = (r: string[]) => `| ${pad(r).join(" | ")} |`;
      return [line(rows[0]!), `| ${Array(width).fill("---").join(" | ")} |`, ...rows.slice(1).map(line)].join("\n");
    }
    default:
      return inlineMarkdown(node);
  }
}

/** Markdown of the document: headings, paragraphs, lists, the budget table and its total. */
export function toMarkdown(doc: PmNode, title: string): string {
  const out: string[] = [`# ${title.replace(/([\\`*_[\]#|<>])/g, "\\$1")}`];
  let inBudget = false;
  const budget = budgetOf(doc);
  for (const block of doc.content ?? []) {
    if (block.type === "heading" && Number(block.attrs?.level ?? 1) <= 2)
      inBudget = nodeText(block).trim() === BUDGET_SECTION;
    const md = blockMarkdown(block);
    if (md.trim() !== "") out.push(md);
    if (inBudget && block.type === "table" && budget) out.push(`预算合计：${formatYuan(budget.total)} 元`);
  }
  return `${out.join("\n\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// REST bodies

const Title = z.string().trim().min(1, "请填写项目名称").max(LIMITS.titleMax, `最多 ${LIMITS.titleMax} 个字`);
const Uuid = z.string().uuid("编号格式不正确");

export const CreateProposalSchema = z.object({ title: Title, communityId: z.string().min(1).max(64) });
export type CreateProposal = z.infer<typeof CreateProposalSchema>;

export const ListProposalsQuerySchema = z.object({
  communityId: z.string().max(64).optional(),
  status: ProposalStatusSchema.optional(),
});
export type ListProposalsQuery = z.infer<typeof ListProposalsQuerySchema>;

export const AddMemberSchema = z.object({ userId: Uuid, role: MemberRoleSchema });
export type AddMember = z.infer<typeof AddMemberSchema>;

export const AddReviewerSchema = z.object({ userId: Uuid });
export type AddReviewer = z.infer<typeof AddReviewerSchema>;

export const SaveVersionSchema = z.object({ name: z.string().trim().min(1, "请填写版本名称").max(60) });
export type SaveVersion = z.infer<typeof SaveVersionSchema>;

export const ExportQuerySchema = z.object({
  format: z.enum(["md", "docx"]),
  versionId: Uuid.optional(),
});

export const ReturnProposalSchema = z.object({ reason: z.string().trim().max(LIMITS.chatTextMax).optional() });

/** A Yjs relative position (`Y.encodeRelativePosition`), base64. */
const RelPos = z
  .string()
  .min(1)
  .max(400)
  .regex(/^[A-Za-z0-9+/=]+$/, "锚点格式不正确");

export const CreateCommentSchema = z.union([
  z.object({
    anchor: z.object({ start: RelPos, end: RelPos }),
    quote: z.string().max(500),
    body: z.string().trim().min(1, "请填写评论").max(LIMITS.chatTextMax),
  }),
  z.object({ parentId: Uuid, body: z.string().trim().min(1, "请填写回复").max(LIMITS.chatTextMax) }),
]);
export type CreateComment = z.infer<typeof CreateCommentSchema>;

export const ResolveCommentSchema = z.object({ resolved: z.boolean() });

/** 评比 rubric: 1–5 each. */
export const REVIEW_CRITERIA = ["innovation", "feasibility", "capability", "budget", "outcome"] as const;
export type ReviewCriterion = (typeof REVIEW_CRITERIA)[number];
export const REVIEW_CRITERIA_LABELS: Record<ReviewCriterion, string> = {
  innovation: "创新性",
  feasibility: "可行性",
  capability: "能力匹配",
  budget: "预算合理性",
  outcome: "预期成效",
};
const Score = z.number().int().min(1).max(5);
export const ReviewScoresSchema = z.object({
  innovation: Score,
  feasibility: Score,
  capability: Score,
  budget: Score,
  outcome: Score,
});
export type ReviewScores = z.infer<typeof ReviewScoresSchema>;

/** A review's total: the sum of its criteria (each 0–5, so 0–25). */
export const reviewTotal = (scores: ReviewScores) => REVIEW_CRITERIA.reduce((sum, k) => sum + scores[k], 0);
export const SubmitReviewSchema = z.object({
  scores: ReviewScoresSchema,
  comment: z.string().trim().max(LIMITS.bodyMax).default(""),
});
export type SubmitReview = z.infer<typeof SubmitReviewSchema>;

export const CandidatesQuerySchema = z.object({ q: z.string().trim().max(40).default("") });
/** `GET /api/proposals/people?q=&reviewers=true`: people to add as members, or as reviewers */
export const ProposalPeopleQuerySchema = CandidatesQuerySchema.extend({
  reviewers: z.enum(["true", "false"]).optional(),
});

// ---------------------------------------------------------------------------------------------
// Responses

export interface PersonRef {
  id: string;
  displayName: string;
  role: string;
}

export interface Proposal {
  id: string;
  title: string;
  communityId: string;
  communityName: string | null;
  owner: PersonRef;
  status: ProposalStatus;
  /** submission round (1 after the first submission) */
  round: number;
  createdAt: string;
  updatedAt: string;
  /** the signed-in user's relation to this proposal */
  myRole: ProposalRole | null;
  /** whether the signed-in user may edit the document now */
  canEdit: boolean;
}

export interface ProposalDetail extends Proposal {
  members: (PersonRef & { memberRole: MemberRole })[];
  reviewers: PersonRef[];
}

export interface ProposalVersion {
  id: string;
  name: string;
  round: number | null;
  createdBy: PersonRef;
  createdAt: string;
  bytes: number;
}

export interface ProposalComment {
  id: string;
  parentId: string | null;
  author: PersonRef;
  body: string;
  anchor: { start: string; end: string } | null;
  quote: string | null;
  resolved: boolean;
  createdAt: string;
}

export interface ProposalReview {
  id: string;
  round: number;
  reviewer: PersonRef;
  scores: ReviewScores;
  comment: string;
  total: number;
  createdAt: string;
}

export interface ReviewAggregate {
  round: number;
  count: number;
  /** mean per criterion, 2 decimals */
  means: ReviewScores | null;
  /** mean of totals (max 25) */
  meanTotal: number | null;
}

/** Events the client sends (each with an acknowledgement callback). */
export type ProposalClientEvents = Record<never, never>;

/** Events the server pushes. */
export const PROPOSAL_CHANGES = ["status", "members", "versions", "comments", "reviews"] as const;
export type ProposalChange = (typeof PROPOSAL_CHANGES)[number];

export interface ProposalServerEvents {
  /** something about a proposal changed (sent to everyone with a role on it): refetch that part */
  "proposal:changed": (payload: { proposalId: string; what: ProposalChange }) => void;
}
