import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sessions, users } from "./schema.ts";

/**
 * Sessions as described in Lucia's guide: the cookie holds a random token, the database only
 * its SHA-256, so a leaked sessions table cannot be replayed. Sessions slide: one used in the
 * second half of its life is extended to a full lifetime again.
 */
export const SESSION_COOKIE = "session";

export type UserRow = typeof users.$inferSelect;
export interface SessionRow {
  id: string;
  userId: string;
  expiresAt: Date;
}

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly lifetimeMs: number,
  ) {}

  async create(token: string, userId: string): Promise<SessionRow> {
    const session = {
      id: sessionIdFromToken(token),
      userId,
      expiresAt: new Date(Date.now() + this.lifetimeMs),
    };
    await this.db.insert(sessions).values(session);
    return session;
  }

  /** The session and its user, or null when unknown, expired or the user is disabled. */
  async validate(token: string): Promise<{ session: SessionRow; user: UserRow; renewed: boolean } | null> {
    if (!/^[a-z2-7]{32}$/.test(token)) return null;
    const sessionId = sessionIdFromToken(token);
    const [row] = await this.db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(sessions.userId, users.id))
      .where(eq(sessions.id, sessionId));
    if (!row) return null;
    const { session, user } = row;
    if (Date.now() >= session.expiresAt.getTime() || user.disabled) {
      await this.db.delete(sessions).where(eq(sessions.id, sessionId));
      return null;
    }
    const renewed = Date.now() >= session.expiresAt.getTime() - this.lifetimeMs / 2;
    if (renewed) {
      session.expiresAt = new Date(Date.now() + this.lifetimeMs);
      await this.db.update(sessions).set({ expiresAt: session.expiresAt }).where(eq(sessions.id, sessionId));
    }
    return { session, user, renewed };
  }

  async invalidate(sessionId: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, sessionId));
  }

  async invalidateAllForUser(userId: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.userId, userId));
  }
}
