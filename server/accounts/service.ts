import { and, arrayContains, eq, ne } from "drizzle-orm";
import type { CreateUser, OwnAccountPatch, User, UserPatch } from "../../shared/auth.ts";
import { primaryRole, type Role } from "../../shared/enums.ts";
import { recordAudit } from "../audit/service.ts";
import { recordLevelChange } from "../evidence/service.ts";
import { hashPassword } from "../auth/passwords.ts";
import { isOrganiser, managedStreet } from "../auth/policy.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError, conflict, forbidden, invalidInput, notFound } from "../lib/errors.ts";
import { communities, streets } from "../org/schema.ts";
import { generatePassword } from "./passwords.ts";
import { factsOf, inStreet, loadPeople, loadPerson, type PersonRow, personFor } from "./people.ts";
import { canListPeople, requireManagePerson, requireMayBecome, seesPersonalDetails } from "./policy.ts";

/**
 * People management by organisers and street admins: create, edit, reset a password. Every change
 * commits together with its audit entry. Passwords are returned to the caller once and never logged.
 */

/** What the audit log keeps of a person: everything an organiser edits, never the password hash. */
function auditView(row: UserRow) {
  return {
    username: row.username,
    displayName: row.displayName,
    roles: row.roles,
    flags: row.flags,
    level: row.level,
    communityId: row.communityId,
    streetId: row.streetId,
    phone: row.phone,
    hireDate: row.hireDate,
    partyMember: row.partyMember,
    disabled: row.disabled,
  };
}
type AuditView = ReturnType<typeof auditView>;

/** The street a community belongs to (and that it exists), or null for no community. */
async function communityStreet(db: Pick<Db, "select">, communityId: string | null): Promise<string | null> {
  if (!communityId) return null;
  const [community] = await db
    .select({ streetId: communities.streetId })
    .from(communities)
    .where(eq(communities.id, communityId));
  if (!community) throw invalidInput("communityId: 社区不存在");
  return community.streetId;
}

async function requireStreetExists(db: Pick<Db, "select">, streetId: string | null): Promise<void> {
  if (!streetId) return;
  const [street] = await db.select({ id: streets.id }).from(streets).where(eq(streets.id, streetId));
  if (!street) throw invalidInput("streetId: 街道不存在");
}

export async function listPeople(ctx: AppContext, viewer: UserRow, streetId?: string): Promise<User[]> {
  if (!canListPeople(viewer)) throw forbidden("仅组织部、管理员或街道管理员可以查看人员名单");
  const own = isOrganiser(viewer) ? null : managedStreet(viewer);
  if (own && streetId && streetId !== own) throw forbidden("街道管理员只能查看本街道的人员");
  const street = own ?? streetId;
  const rows = await loadPeople(ctx.db, street ? inStreet(street) : undefined);
  return rows.map((row) => personFor(row, seesPersonalDetails(viewer, factsOf(row))));
}

/** One person, to themselves or to whoever may list people of their street. */
export async function getPerson(ctx: AppContext, viewer: UserRow, userId: string): Promise<User> {
  const row = await loadPerson(ctx.db, userId);
  if (!row) throw notFound("用户不存在");
  const facts = factsOf(row);
  const own = managedStreet(viewer);
  const visible = viewer.id === row.id || isOrganiser(viewer) || (own !== null && facts.street === own);
  if (!visible) throw notFound("用户不存在");
  return personFor(row, seesPersonalDetails(viewer, facts));
}

export async function createPerson(
  ctx: AppContext,
  actor: UserRow,
  input: CreateUser,
): Promise<{ user: User; initialPassword: string }> {
  const communityId = input.communityId ?? null;
  // A street admin's new person defaults to their street when no community is chosen.
  const streetId = input.streetId ?? (communityId || isOrganiser(actor) ? null : managedStreet(actor));
  await requireStreetExists(ctx.db, streetId);
  const street = (await communityStreet(ctx.db, communityId)) ?? streetId;
  requireMayBecome(actor, { id: "", roles: input.roles, street, streetId });
  if (input.roles.includes("street_admin") && !streetId) throw invalidInput("streetId: 街道管理员须指定所管理的街道");

  const initialPassword = generatePassword();
  const passwordHash = await hashPassword(initialPassword);
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({
        username: input.username.toLowerCase(),
        displayName: input.displayName,
        passwordHash,
        roles: input.roles,
        role: primaryRole(input.roles),
        flags: input.flags,
        level: input.level,
        communityId,
        streetId,
        phone: input.phone ?? null,
        hireDate: input.hireDate ?? null,
        partyMember: input.partyMember,
        mustChangePassword: true,
      })
      .onConflictDoNothing({ target: users.username })
      .returning();
    if (!created) throw conflict("该用户名已被使用");
    await recordAudit(tx, {
      actorId: actor.id,
      action: "user.create",
      targetType: "user",
      targetId: created.id,
      after: auditView(created),
    });
    return created;
  });
  return { user: personFor(row, true), initialPassword };
}

/** The audit entries one edit makes: one per kind of change, so the log can be filtered by kind. */
function auditEntriesFor(before: AuditView, after: AuditView) {
  const changed = (Object.keys(after) as (keyof AuditView)[]).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  const entries: { action: string; keys: (keyof AuditView)[] }[] = [];
  const take = (action: string, keys: (keyof AuditView)[]) => {
    const hit = keys.filter((k) => changed.includes(k));
    if (hit.length) entries.push({ action, keys: hit });
  };
  take("user.roles", ["roles"]);
  take("user.flags", ["flags"]);
  if (changed.includes("disabled"))
    entries.push({ action: after.disabled ? "user.disable" : "user.enable", keys: ["disabled"] });
  take(
    "user.update",
    changed.filter((k) => !["roles", "flags", "disabled"].includes(k)),
  );
  const pick = (view: AuditView, keys: (keyof AuditView)[]) => Object.fromEntries(keys.map((k) => [k, view[k]]));
  return entries.map((e) => ({ action: e.action, before: pick(before, e.keys), after: pick(after, e.keys) }));
}

/** Refuses a change that would leave the system without an enabled admin. */
async function keepAnAdmin(tx: Tx, before: UserRow, after: { roles: Role[]; disabled: boolean }): Promise<void> {
  const wasAdmin = before.roles.includes("admin") && !before.disabled;
  const staysAdmin = after.roles.includes("admin") && !after.disabled;
  if (!wasAdmin || staysAdmin) return;
  const others = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(arrayContains(users.roles, ["admin"]), eq(users.disabled, false), ne(users.id, before.id)))
    .limit(1);
  if (others.length === 0) throw new AppError(409, "last_admin", "这是最后一位管理员，不能取消其管理员身份或停用");
}

export async function updatePerson(ctx: AppContext, actor: UserRow, userId: string, patch: UserPatch): Promise<User> {
  if (Object.keys(patch).length === 0) throw invalidInput("没有需要修改的内容");
  const { role, ...rest } = patch;
  const changes = { ...rest, ...(role ? { roles: [role] } : {}) };
  if (actor.id === userId && changes.disabled) throw invalidInput("不能停用自己的账号");

  const { row, cutOff } = await ctx.db.transaction(async (tx) => {
    const before = await loadPerson(tx, userId);
    if (!before) throw notFound("用户不存在");
    requireManagePerson(actor, factsOf(before));
    const roles = changes.roles ?? before.roles;
    const communityId = changes.communityId === undefined ? before.communityId : changes.communityId;
    const streetId = changes.streetId === undefined ? before.streetId : changes.streetId;
    if (changes.streetId !== undefined) await requireStreetExists(tx, streetId);
    const street = (await communityStreet(tx, communityId)) ?? streetId;
    requireMayBecome(actor, { id: before.id, roles, street, streetId });
    if (roles.includes("street_admin") && !streetId) throw invalidInput("streetId: 街道管理员须指定所管理的街道");
    await keepAnAdmin(tx, before, { roles, disabled: changes.disabled ?? before.disabled });

    const [updated] = await tx
      .update(users)
      .set({ ...changes, roles, role: primaryRole(roles) })
      .where(eq(users.id, userId))
      .returning();
    for (const entry of auditEntriesFor(auditView(before), auditView(updated!))) {
      await recordAudit(tx, { actorId: actor.id, targetType: "user", targetId: userId, ...entry });
    }
    if (updated!.level !== before.level) {
      await recordLevelChange(tx, {
        userId,
        fromLevel: before.level,
        toLevel: updated!.level,
        changedBy: actor.id,
        reason: "在人员管理中修改",
      });
    }
    return { row: updated!, cutOff: changes.disabled === true && !before.disabled };
  });
  if (cutOff) await ctx.cutOffUser(userId, "disabled");
  // roles, street or community may have changed: open sockets and documents re-read what they may do
  else await ctx.authorityChanged(userId);
  const person: PersonRow = { ...row, communityStreetId: await communityStreet(ctx.db, row.communityId) };
  return personFor(row, seesPersonalDetails(actor, factsOf(person)));
}

/**
 * A temporary password the person must change at their next sign-in. Every session of theirs
 * ends now, and with it their sockets and open documents.
 */
export async function resetPassword(
  ctx: AppContext,
  actor: UserRow,
  userId: string,
): Promise<{ temporaryPassword: string }> {
  const person = await loadPerson(ctx.db, userId);
  if (!person) throw notFound("用户不存在");
  requireManagePerson(actor, factsOf(person));
  if (actor.id === userId) throw invalidInput("请在“我的账号”中修改自己的密码");
  const temporaryPassword = generatePassword();
  const passwordHash = await hashPassword(temporaryPassword);
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, userId));
    await recordAudit(tx, { actorId: actor.id, action: "user.password_reset", targetType: "user", targetId: userId });
  });
  await ctx.cutOffUser(userId, "password_reset");
  return { temporaryPassword };
}

/** The person's own edit: display name and phone, on the audit trail like any change to people. */
export async function updateOwnAccount(ctx: AppContext, user: UserRow, patch: OwnAccountPatch): Promise<User> {
  if (Object.keys(patch).length === 0) throw invalidInput("没有需要修改的内容");
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx.update(users).set(patch).where(eq(users.id, user.id)).returning();
    const keys = Object.keys(patch) as (keyof OwnAccountPatch)[];
    await recordAudit(tx, {
      actorId: user.id,
      action: "account.update",
      targetType: "user",
      targetId: user.id,
      before: Object.fromEntries(keys.map((k) => [k, user[k]])),
      after: Object.fromEntries(keys.map((k) => [k, updated![k]])),
    });
    return updated!;
  });
  return personFor(row, true);
}
