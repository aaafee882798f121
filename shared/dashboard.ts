/**
 * 区级看板: the district's (or one street's) year on one screen. Zod-free so the client can
 * import the table names and labels; the server parses the query itself.
 */
import type { Capability } from "./vocabulary.ts";

/** How many people the 欠缺学时最多 table lists. */
export const DASHBOARD_BEHIND_LIMIT = 20;
/** How many people the 答疑 table lists. */
export const DASHBOARD_QA_LIMIT = 20;

/** The tables that export as .xlsx (GET /api/dashboard/<table>.xlsx), with their sheet names. */
export const DASHBOARD_TABLES = ["streets", "behind", "studios", "proposals", "qa", "capabilities"] as const;
export type DashboardTable = (typeof DASHBOARD_TABLES)[number];
export const DASHBOARD_TABLE_LABELS: Record<DashboardTable, string> = {
  streets: "各街道学时",
  behind: "欠缺学时最多",
  studios: "导师工作室",
  proposals: "项目申报进度",
  qa: "老书记答疑",
  capabilities: "六能力画像",
};

export interface DashboardStreetHours {
  streetId: string;
  streetName: string;
  /** secretaries and workers counted by the ledger */
  people: number;
  required: number;
  done: number;
}

export interface DashboardBehind {
  userId: string;
  displayName: string;
  streetName: string;
  communityName: string;
  required: number;
  done: number;
  missing: number;
}

export interface DashboardStudio {
  id: string;
  name: string;
  mentorName: string;
  streetName: string | null;
  messages: number;
  tasksDone: number;
}

export interface DashboardProposalStage {
  status: string;
  label: string;
  count: number;
}

export interface DashboardAnswerer {
  userId: string;
  displayName: string;
  streetName: string | null;
  answersAccepted: number;
  eventQuestionsAnswered: number;
}

export interface DashboardCapability {
  capability: Capability;
  /** evidence items of the year tagged with it */
  count: number;
  /** 0–100: the count against the most-shown capability's (see docs/growth.md 区级看板) */
  value: number;
}

export interface Dashboard {
  year: number;
  /** null: the whole district */
  streetId: string | null;
  activities: { trainings: number; forums: number; events: number };
  attendance: {
    /** secretaries and workers counted by the ledger */
    counted: number;
    /** of them, who attended at least one training, forum or event in the year */
    attended: number;
    /** attended ÷ counted, 0–1; null when nobody is counted */
    rate: number | null;
    /** check-ins of the counted people at activities of the year */
    sessions: number;
  };
  /** from the evidence of the year */
  growth: {
    tasksDone: number;
    proposalsSubmitted: number;
    proposalsApproved: number;
    answersAccepted: number;
    eventQuestionsAnswered: number;
  };
  streets: DashboardStreetHours[];
  behind: DashboardBehind[];
  studios: DashboardStudio[];
  proposals: DashboardProposalStage[];
  qa: DashboardAnswerer[];
  capabilities: DashboardCapability[];
}
