import { eq } from "drizzle-orm";
import type { ChangePassword, Login, Register } from "../../shared/auth.ts";
import { recordAudit } from "../audit/service.ts";
import type { AppContext } from "../context.ts";
import { AppError, conflict, invalidInput } from "../lib/errors.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { users } from "./schema.ts";
import { generateSessionToken, type UserRow } from "./sessions.ts";

/** Accounts: registration, sign-in with throttling, password change, admin edits. */
export async function registerUser(ctx: AppContext, input: Register, address: string): Promise<UserRow> {
  if (!ctx.config.ALLOW_REGISTRATION) throw new AppError(403, "registration_closed", "暂不开放注册，请联系管理员");
  await ctx.limits.registration.consume(address);
  const passwordHash = await hashPassword(input.password);
  const [row] = await ctx.db
    .insert(users)
    .values({ username: input.username.toLowerCase(), displayName: input.displayName, passwordHash })
    .onConflictDoNothing({ target: users.username })
    .returning();
  if (!row) throw conflict("该用户名已被使用");
  return row;
}

/**
 * Checks the password under two throttles that count only failures:
 * - per account *and* address: guessing one account's password from one place slows down, with a
 *   growing wait, while the owner signing in from anywhere else is not affected;
 * - per address: spraying many accounts from one place slows down. Successes are not counted, so
 *   an office behind one NAT address never locks out its own staff.
 */
export async function signIn(ctx: AppContext, input: Login, address: string): Promise<UserRow> {
  const username = input.username.toLowerCase();
  const accountAtAddress = `${username}|${address}`;
  await mustNotWait([
    ctx.limits.loginFailuresByAddress.check(address),
    ctx.limits.loginFailuresByAccountAndAddress.check(accountAtAddress),
  ]);
  const [row] = await ctx.db.select().from(users).where(eq(users.username, username));
  // Hash even for unknown users so response time does not reveal which usernames exist.
  const ok = row
    ? await verifyPassword(row.passwordHash, input.password)
    : await hashPassword(input.password).then(() => false);
  if (!row || !ok) {
    await Promise.all([
      ctx.limits.loginFailuresByAddress.fail(address),
      ctx.limits.loginFailuresByAccountAndAddress.fail(accountAtAddress),
    ]);
    throw new AppError(401, "invalid_credentials", "用户名或密码错误");
  }
  if (row.disabled) throw new AppError(403, "account_disabled", "该账号已被停用，请联系管理员");
  await ctx.limits.loginFailuresByAccountAndAddress.clear(accountAtAddress);
  return row;
}

/** Runs both throttle checks and, when either refuses, answers with the longer wait so Retry-After is true. */
async function mustNotWait(checks: Promise<void>[]): Promise<void> {
  const refusals = (await Promise.allSettled(checks)).flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  if (refusals.length === 0) return;
  const waits = refusals.filter((e): e is AppError => e instanceof AppError);
  if (waits.length < refusals.length) throw refusals.find((e) => !(e instanceof AppError));
  throw waits.reduce((a, b) => ((a.retryAfterSeconds ?? 0) >= (b.retryAfterSeconds ?? 0) ? a : b));
}

export async function startSession(ctx: AppContext, userId: string) {
  const token = generateSessionToken();
  const session = await ctx.sessions.create(token, userId);
  return { token, session };
}

/**
 * Changing the password ends every session of the user, then opens a fresh one for this browser.
 * It is also how an initial or temporary password stops being one, so the new one must differ.
 */
export async function changePassword(ctx: AppContext, user: UserRow, input: ChangePassword) {
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError(400, "invalid_credentials", "当前密码不正确");
  }
  if (input.newPassword === input.currentPassword) throw invalidInput("newPassword: 新密码不能与当前密码相同");
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, user.id));
    await recordAudit(tx, {
      actorId: user.id,
      action: "account.password_change",
      targetType: "user",
      targetId: user.id,
      meta: user.mustChangePassword ? { replaced: "temporary" } : null,
    });
  });
  await ctx.cutOffUser(user.id, "logout");
  return startSession(ctx, user.id);
}

export async function findUser(ctx: AppContext, userId: string): Promise<UserRow | undefined> {
  const [row] = await ctx.db.select().from(users).where(eq(users.id, userId));
  return row;
}
