import type { Redis } from "ioredis";
import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "../shared/events.ts";
import type { SessionRow, SessionStore, UserRow } from "./auth/sessions.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { FileService } from "./files/service.ts";
import type { Logger } from "./lib/logger.ts";
import type { FailureThrottle, RateLimit } from "./lib/rateLimit.ts";
import type { SensitiveWordList } from "./moderation/wordList.ts";
import type { YjsServer } from "./yjs/server.ts";

export interface SocketData {
  user: UserRow;
  session: SessionRow;
  /** a guest of the hall (现场评议): `user` is the user-shaped guest of one forum, with no roles */
  guest?: boolean;
}
export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What every feature gets: configuration, the database, logging, limits and the realtime doors. */
export interface AppContext {
  config: Config;
  db: Db;
  dbKind: "pglite" | "postgres";
  log: Logger;
  sessions: SessionStore;
  /** uploads, stored file bytes, PDF inspection and deck conversion (server/files) */
  files: FileService;
  /** present when REDIS_URL is set: one connection for commands and publishing, one for subscribing */
  redis?: { pub: Redis; sub: Redis };
  limits: {
    /** wrong passwords for one account from one address: a thief elsewhere never locks the owner out */
    loginFailuresByAccountAndAddress: FailureThrottle;
    /** wrong passwords from one address for any accounts (password spraying); successes don't count */
    loginFailuresByAddress: FailureThrottle;
    /** registrations per address per hour */
    registration: RateLimit;
    /** chat lines, questions, answers, studio messages: per user */
    posting: RateLimit;
    /** `studio:typing` signals: per user */
    typing: RateLimit;
    /** `forum:vote` toggles: per user */
    voting: RateLimit;
  };
  io: IoServer;
  yjs: YjsServer;
  /** the sensitive-word list every post is checked against (moderation/wordList.ts) */
  words: SensitiveWordList;
  /** ends one session (logout) and closes the sockets and documents opened with it */
  endSession(sessionId: string, userId: string): Promise<void>;
  /** ends every session and open connection of a user (logout everywhere, disabled account, password reset) */
  cutOffUser(userId: string, reason: "logout" | "disabled" | "password_reset"): Promise<void>;
  /**
   * the user's role, roles or memberships changed: their open sockets and /yjs/ connections, on
   * every process, re-read the user and lose what they may no longer do (within a second)
   */
  authorityChanged(userId: string): Promise<void>;
}

/** The room every socket of a user joins, so the user can be reached or cut off on every process. */
export const userRoom = (userId: string) => `user:${userId}`;
