import { z } from "zod";
import { FlagSchema, LevelSchema, RoleSchema } from "./enums.ts";
import { LIMITS } from "./limits.ts";

export const UsernameSchema = z
  .string()
  .trim()
  .min(LIMITS.usernameMin, `用户名至少 ${LIMITS.usernameMin} 个字符`)
  .max(LIMITS.usernameMax, `用户名最多 ${LIMITS.usernameMax} 个字符`)
  .regex(/^[a-zA-Z0-9_.-]+$/, "用户名只能包含字母、数字、下划线、点和短横线");

/** At least 8 characters with both letters and digits (the district's password rule). */
export const PasswordSchema = z
  .string()
  .min(LIMITS.passwordMin, `密码至少 ${LIMITS.passwordMin} 位`)
  .max(LIMITS.passwordMax, `密码最多 ${LIMITS.passwordMax} 位`)
  .regex(/[A-Za-z]/, "密码须同时包含字母和数字")
  .regex(/[0-9]/, "密码须同时包含字母和数字");

/** A mainland mobile number or a landline with its area code. */
export const PhoneSchema = z
  .string()
  .trim()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, "请填写正确的手机号或座机号（座机带区号）");

/** 入职日期 as YYYY-MM-DD. */
export const HireDateSchema = z.iso.date("日期格式应为 YYYY-MM-DD");

export const DisplayNameSchema = z.string().trim().min(1, "请填写姓名").max(LIMITS.displayNameMax);

const OrgIdSchema = z.string().min(1).max(64);

export const RegisterSchema = z.object({
  username: UsernameSchema,
  password: PasswordSchema,
  displayName: DisplayNameSchema,
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
  /** full to the person and to those who manage them; masked (138****1234) to everyone else */
  phone: z.string().nullable(),
  partyMember: z.boolean(),
  disabled: z.boolean(),
  /** signed in with an initial or temporary password: everything but changing it is refused */
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof UserSchema>;

const RolesSchema = z
  .array(RoleSchema)
  .min(1, "至少选择一个角色")
  .max(8)
  .transform((roles) => [...new Set(roles)]);
const FlagsSchema = z
  .array(FlagSchema)
  .max(8)
  .transform((flags) => [...new Set(flags)]);

/**
 * An organiser's edit of a person (`PATCH /api/users/:id`). `role` (one role) is the older form
 * of `roles` and replaces the whole set; send one or the other.
 */
export const UserPatchSchema = z
  .object({
    roles: RolesSchema.optional(),
    role: RoleSchema.optional(),
    flags: FlagsSchema.optional(),
    displayName: DisplayNameSchema.optional(),
    phone: PhoneSchema.nullable().optional(),
    hireDate: HireDateSchema.nullable().optional(),
    streetId: OrgIdSchema.nullable().optional(),
    communityId: OrgIdSchema.nullable().optional(),
    level: LevelSchema.optional(),
    partyMember: z.boolean().optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((p) => !(p.role && p.roles), { message: "role 与 roles 只能填写一个" });
export type UserPatch = z.infer<typeof UserPatchSchema>;

/** An organiser creates a person (`POST /api/users`); the server makes the initial password. */
export const CreateUserSchema = z
  .object({
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    roles: RolesSchema,
    flags: FlagsSchema.default([]),
    phone: PhoneSchema.nullable().optional(),
    hireDate: HireDateSchema.nullable().optional(),
    streetId: OrgIdSchema.nullable().optional(),
    communityId: OrgIdSchema.nullable().optional(),
    level: LevelSchema.default("novice"),
    partyMember: z.boolean().default(false),
  })
  .strict();
export type CreateUser = z.infer<typeof CreateUserSchema>;

/** `POST /api/users` → 201; the password is shown once and never stored in clear. */
export type CreatedUser = { user: User; initialPassword: string };
/** `POST /api/users/:id/reset-password` → 200. */
export type PasswordReset = { temporaryPassword: string };

/** A person's own edit on the account page (`PATCH /api/me`). */
export const OwnAccountPatchSchema = z
  .object({
    displayName: DisplayNameSchema.optional(),
    phone: PhoneSchema.nullable().optional(),
  })
  .strict();
export type OwnAccountPatch = z.infer<typeof OwnAccountPatchSchema>;

/** `GET /api/users` filters. */
export const UserListQuerySchema = z.object({
  streetId: OrgIdSchema.optional(),
});

/** Masks a phone number for viewers who don't manage its owner: 13812341234 → 138****1234. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 7) return "****";
  return `${digits.slice(0, 3)}${"*".repeat(digits.length - 7)}${digits.slice(-4)}`;
}

export const CommunitySchema = z.object({ id: z.string(), name: z.string(), streetId: z.string(), demo: z.boolean() });
export type Community = z.infer<typeof CommunitySchema>;
export const StreetSchema = z.object({ id: z.string(), name: z.string(), communities: z.array(CommunitySchema) });
export type Street = z.infer<typeof StreetSchema>;

export type Health = { ok: true; db: "pglite" | "postgres"; scaleOut: "memory" | "redis" };
