import { z } from "zod";
import { FlagSchema, LevelSchema, RoleSchema } from "./enums.ts";
import { LIMITS } from "./limits.ts";

export const UsernameSchema = z
  .string()
  .trim()
  .min(LIMITS.usernameMin, `用户名至少 ${LIMITS.usernameMin} 个字符`)
  .max(LIMITS.usernameMax, `用户名最多 ${LIMITS.usernameMax} 个字符`)
  .regex(/^[a-zA-Z0-9_.-]+$/, "用户名只能包含字母、数字、下划线、点和短横线");

export const PasswordSchema = z
  .string()
  .min(LIMITS.passwordMin, `密码至少 ${LIMITS.passwordMin} 位`)
  .max(LIMITS.passwordMax, `密码最多 ${LIMITS.passwordMax} 位`);

export const RegisterSchema = z.object({
  username: UsernameSchema,
  password: PasswordSchema,
  displayName: z.string().trim().min(1, "请填写姓名").max(LIMITS.displayNameMax),
});
export type Register = z.infer<typeof RegisterSchema>;

export const LoginSchema = z.object({
  username: z.string().trim().min(1).max(LIMITS.usernameMax),
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export type Login = z.infer<typeof LoginSchema>;

export const ChangePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(LIMITS.passwordMax),
  newPassword: PasswordSchema,
});
export type ChangePassword = z.infer<typeof ChangePasswordSchema>;

/** The public shape of a user in every API response. */
export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  /** the primary role: the first of `roles` in precedence order */
  role: RoleSchema,
  roles: z.array(RoleSchema),
  flags: z.array(FlagSchema),
  level: LevelSchema,
  communityId: z.string().nullable(),
  streetId: z.string().nullable(),
  hireDate: z.string().nullable(),
  partyMember: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof UserSchema>;

/** Admin edit of a user (`PATCH /api/users/:id`). */
export const UserPatchSchema = z
  .object({
    role: RoleSchema.optional(),
    communityId: z.string().min(1).max(64).nullable().optional(),
    level: LevelSchema.optional(),
    partyMember: z.boolean().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type UserPatch = z.infer<typeof UserPatchSchema>;

export const CommunitySchema = z.object({ id: z.string(), name: z.string(), streetId: z.string(), demo: z.boolean() });
export type Community = z.infer<typeof CommunitySchema>;
export const StreetSchema = z.object({ id: z.string(), name: z.string(), communities: z.array(CommunitySchema) });
export type Street = z.infer<typeof StreetSchema>;

export type Health = { ok: true; db: "pglite" | "postgres"; scaleOut: "memory" | "redis" };
