import { z } from "zod";
import { LIMITS } from "./limits.ts";

/** Organisation editing by organisers: streets (街道) and communities (社区). */

const OrgName = z.string().trim().min(1, "请填写名称").max(LIMITS.displayNameMax, "名称过长");
/** Street and community ids are short slugs (`chengzhong`, `wuxing`) or generated ones. */
export const OrgIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/, "编号格式不正确");

export const StreetCreateSchema = z.object({ name: OrgName }).strict();
export type StreetCreate = z.infer<typeof StreetCreateSchema>;

export const CommunityCreateSchema = z.object({ streetId: OrgIdSchema, name: OrgName }).strict();
export type CommunityCreate = z.infer<typeof CommunityCreateSchema>;

/** Rename or retire (`retired: true` hides it from pickers; history keeps it). */
export const OrgPatchSchema = z
  .object({ name: OrgName.optional(), retired: z.boolean().optional() })
  .strict()
  .refine((p) => p.name !== undefined || p.retired !== undefined, "没有需要修改的内容");
export type OrgPatch = z.infer<typeof OrgPatchSchema>;

/** Merge: everything of the merged unit moves to the survivor, and the merged unit is retired. */
export const OrgMergeSchema = z.object({ intoId: OrgIdSchema }).strict();
export type OrgMerge = z.infer<typeof OrgMergeSchema>;

/** The organiser's view of the tree: retired units included, with how many people each holds. */
export const ManagedCommunitySchema = z.object({
  id: z.string(),
  name: z.string(),
  streetId: z.string(),
  demo: z.boolean(),
  retired: z.boolean(),
  people: z.number(),
});
export type ManagedCommunity = z.infer<typeof ManagedCommunitySchema>;
export const ManagedStreetSchema = z.object({
  id: z.string(),
  name: z.string(),
  retired: z.boolean(),
  communities: z.array(ManagedCommunitySchema),
});
export type ManagedStreet = z.infer<typeof ManagedStreetSchema>;
