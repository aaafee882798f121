import { randomBytes } from "node:crypto";
import { asc } from "drizzle-orm";
import type { Role } from "../../shared/enums.ts";
import type { RosterImportResult } from "../../shared/roster.ts";
import { grantableRoles } from "../accounts/policy.ts";
import { recordAudit } from "../audit/service.ts";
import { hasAnyRole, isAdmin } from "../auth/policy.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { communities, streets } from "../org/schema.ts";
import { peopleScope } from "../org/policy.ts";
import { applyPlan, type InitialPassword } from "./apply.ts";
import { type ImportScope, type OrgIndex, planImport } from "./plan.ts";
import { readRoster } from "./read.ts";
import { passwordsWorkbook, rosterWorkbook } from "./write.ts";

const STREET_LEVEL_ROLES: Role[] = ["admin", "organiser", "street_admin"];

/**
 * What the importing person may do: the roles they may grant are the accounts policy's
 * (`grantableRoles`); an organiser may not change an admin's account, a street admin no one who holds
 * a district or street role, and a street admin only people of their own street.
 */
export function importScope(actor: UserRow): ImportScope {
  const { streetId } = peopleScope(actor);
  const grantable = new Set(grantableRoles(actor));
  if (isAdmin(actor)) return { streetId: null, grantable, untouchable: () => false };
  if (streetId === null) return { streetId, grantable, untouchable: (user) => isAdmin(user) };
  return { streetId, grantable, untouchable: (user) => hasAnyRole(user, STREET_LEVEL_ROLES) };
}

async function loadOrgIndex(db: Db): Promise<OrgIndex> {
  return {
    streets: await db
      .select({ id: streets.id, name: streets.name, retired: streets.retired })
      .from(streets)
      .orderBy(asc(streets.sort)),
    communities: await db
      .select({
        id: communities.id,
        streetId: communities.streetId,
        name: communities.name,
        retired: communities.retired,
      })
      .from(communities),
  };
}

/** One-time downloads of initial passwords, held in memory for a short while and never written anywhere. */
export class PasswordHandover {
  private readonly pending = new Map<string, { actorId: string; passwords: InitialPassword[]; expiresAt: number }>();
  constructor(private readonly ttlMs = 15 * 60_000) {}

  offer(actorId: string, passwords: InitialPassword[]): string {
    this.sweep();
    const token = randomBytes(24).toString("base64url");
    this.pending.set(token, { actorId, passwords, expiresAt: Date.now() + this.ttlMs });
    return token;
  }

  /** The passwords, once, to the person who ran the import; undefined when gone, expired or someone else's. */
  take(token: string, actorId: string): InitialPassword[] | undefined {
    this.sweep();
    const entry = this.pending.get(token);
    if (!entry || entry.actorId !== actorId) return undefined;
    this.pending.delete(token);
    return entry.passwords;
  }

  private sweep() {
    const now = Date.now();
    for (const [token, entry] of this.pending) if (entry.expiresAt < now) this.pending.delete(token);
  }

  clear() {
    this.pending.clear();
  }
}

export async function importRoster(
  ctx: Pick<AppContext, "db" | "authorityChanged">,
  actor: UserRow,
  file: { name: string; bytes: Uint8Array },
  dryRun: boolean,
  handover: PasswordHandover,
): Promise<RosterImportResult> {
  const { db } = ctx;
  const scope = importScope(actor);
  const sheet = await readRoster(file.name, file.bytes);
  const people = await db.select().from(users);
  const plan = planImport(sheet, people, await loadOrgIndex(db), scope);
  const count = (kind: string) => plan.rows.filter((r) => r.kind === kind).length;
  const result: RosterImportResult = {
    created: count("create"),
    updated: count("update"),
    unchanged: count("unchanged"),
    errors: plan.errors,
    unknownCommunities: plan.unknownCommunities,
    applied: false,
    passwordsUrl: null,
  };
  if (dryRun || plan.errors.length > 0) return result;
  const passwords = await applyPlan(db, actor, plan, file.name);
  result.applied = true;
  // Changed roles or streets reach the open sockets and documents of the people changed.
  for (const row of plan.rows) if (row.kind === "update") await ctx.authorityChanged(row.user.id);
  if (passwords.length > 0) result.passwordsUrl = `/api/users/import/passwords/${handover.offer(actor.id, passwords)}`;
  return result;
}

/** The one-time password sheet; its download is in the audit log (the passwords are not). */
export async function takePasswordSheet(db: Db, actor: UserRow, handover: PasswordHandover, token: string) {
  const passwords = handover.take(token, actor.id);
  if (!passwords) return undefined;
  await recordAudit(db, {
    actorId: actor.id,
    action: "user.import_passwords_download",
    targetType: "roster",
    meta: { people: passwords.length, usernames: passwords.map((p) => p.username) },
  });
  return passwordsWorkbook(passwords);
}

/** The people an organiser (everyone) or a street admin (their street) manages, as a roster file; audited. */
export async function exportRoster(db: Db, actor: UserRow): Promise<Uint8Array> {
  const { streetId } = peopleScope(actor);
  const org = await loadOrgIndex(db);
  const streetOf = new Map(org.communities.map((c) => [c.id, c.streetId]));
  const everyone = await db.select().from(users).orderBy(asc(users.communityId), asc(users.username));
  const people =
    streetId === null
      ? everyone
      : everyone.filter((p) => (p.communityId ? streetOf.get(p.communityId) : p.streetId) === streetId);
  await recordAudit(db, {
    actorId: actor.id,
    action: "user.export",
    targetType: "roster",
    meta: { people: people.length, streetId },
  });
  return rosterWorkbook(people, org);
}
