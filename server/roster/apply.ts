import { randomInt } from "node:crypto";
import { eq } from "drizzle-orm";
import { primaryRole } from "../../shared/enums.ts";
import { recordAudit } from "../audit/service.ts";
import { recordLevelChange } from "../evidence/service.ts";
import { hashPassword } from "../auth/passwords.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import type { Plan } from "./plan.ts";

export interface InitialPassword {
  username: string;
  displayName: string;
  password: string;
}

/** Letters without look-alikes (no l, I, O, 0, 1), so a password read off paper is typed right. */
const ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** 10 characters with at least one letter and one digit, as the password rule asks. */
export function generateInitialPassword(): string {
  for (;;) {
    const password = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
    if (/[a-zA-Z]/.test(password) && /\d/.test(password)) return password;
  }
}

/** Hashes a few at a time: argon2 runs on the thread pool, and hundreds at once would starve it. */
async function hashAll(passwords: string[], concurrency = 2): Promise<string[]> {
  const hashes: string[] = new Array(passwords.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < passwords.length) {
        const i = next++;
        hashes[i] = await hashPassword(passwords[i]!);
      }
    }),
  );
  return hashes;
}

/**
 * Writes a plan without errors in one transaction: all rows or none. New people must change their
 * initial password at first sign-in; every creation and change is in the audit log.
 */
export async function applyPlan(db: Db, actor: UserRow, plan: Plan, fileName: string): Promise<InitialPassword[]> {
  const creates = plan.rows.filter((r) => r.kind === "create");
  const passwords = creates.map(() => generateInitialPassword());
  const hashes = await hashAll(passwords);
  await db.transaction(async (tx) => {
    for (const [i, planned] of creates.entries()) {
      const { fields } = planned;
      const [row] = await tx
        .insert(users)
        .values({
          username: planned.username,
          displayName: fields.displayName,
          passwordHash: hashes[i]!,
          roles: fields.roles,
          role: primaryRole(fields.roles),
          level: fields.level ?? "novice",
          flags: fields.flags ?? [],
          phone: fields.phone ?? null,
          communityId: fields.communityId ?? null,
          streetId: fields.streetId ?? null,
          hireDate: fields.hireDate ?? null,
          partyMember: fields.partyMember ?? false,
          mustChangePassword: true,
        })
        .returning();
      await recordAudit(tx, {
        actorId: actor.id,
        action: "user.create",
        targetType: "user",
        targetId: row!.id,
        after: auditView(row!),
        meta: { via: "import", file: fileName, row: planned.row },
      });
    }
    for (const planned of plan.rows) {
      if (planned.kind !== "update") continue;
      const patch = { ...planned.patch, ...(planned.patch.roles ? { role: primaryRole(planned.patch.roles) } : {}) };
      const [row] = await tx.update(users).set(patch).where(eq(users.id, planned.user.id)).returning();
      await recordAudit(tx, {
        actorId: actor.id,
        action: "user.update",
        targetType: "user",
        targetId: planned.user.id,
        before: auditView(planned.user),
        after: auditView(row!),
        meta: { via: "import", file: fileName, row: planned.row },
      });
      if (row!.level !== planned.user.level) {
        await recordLevelChange(tx, {
          userId: row!.id,
          fromLevel: planned.user.level,
          toLevel: row!.level,
          changedBy: actor.id,
          reason: `名册导入（${fileName} 第 ${planned.row} 行）`,
        });
      }
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "user.import",
      targetType: "roster",
      meta: {
        file: fileName,
        created: creates.length,
        updated: plan.rows.filter((r) => r.kind === "update").length,
        unchanged: plan.rows.filter((r) => r.kind === "unchanged").length,
      },
    });
  });
  return creates.map((planned, i) => ({
    username: planned.username,
    displayName: planned.fields.displayName,
    password: passwords[i]!,
  }));
}

/** The audit keeps what an organiser changes, never the password hash. */
function auditView(row: UserRow) {
  const { passwordHash: _hash, ...rest } = row;
  return rest;
}
