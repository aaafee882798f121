import { z } from "zod";

/**
 * The roster spreadsheet (人员名册): Chinese headers, any order. Import and export use the same
 * columns, so an exported file imports back as `unchanged`.
 */
export const ROSTER_COLUMNS = [
  "姓名",
  "用户名",
  "手机号",
  "街道",
  "社区",
  "身份",
  "层级",
  "两委",
  "后备人选",
  "头雁",
  "全科社工",
  "入职日期",
  "党员",
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** Limits of one import file. */
export const ROSTER_LIMITS = { maxBytes: 5 * 1024 * 1024, maxRows: 5_000 } as const;

export const RosterErrorSchema = z.object({
  /** the spreadsheet's own row number (the header is usually row 1) */
  row: z.number(),
  column: z.string(),
  message: z.string(),
});
export type RosterError = z.infer<typeof RosterErrorSchema>;

export const UnknownCommunitySchema = z.object({
  streetId: z.string().nullable(),
  streetName: z.string(),
  name: z.string(),
  rows: z.array(z.number()),
});
export type UnknownCommunity = z.infer<typeof UnknownCommunitySchema>;

/** `POST /api/users/import` always answers 200 with this, errors included. */
export const RosterImportResultSchema = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  errors: z.array(RosterErrorSchema),
  unknownCommunities: z.array(UnknownCommunitySchema),
  /** true only for a real run without errors: the people were written */
  applied: z.boolean(),
  /** after a real run that created people: a one-time download of their initial passwords */
  passwordsUrl: z.string().nullable(),
});
export type RosterImportResult = z.infer<typeof RosterImportResultSchema>;

export const DryRunFieldSchema = z.enum(["true", "false"], { message: "dryRun 只能是 true 或 false" });
