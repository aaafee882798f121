import type { Hono } from "hono";
import type { UserRow } from "./auth/sessions.ts";
import type { AppContext, IoSocket, SocketData } from "./context.ts";
import type { Db } from "./db/client.ts";
import type { ApiEnv, PublicEnv } from "./http/env.ts";
import type { DocKind } from "./yjs/docKinds.ts";

/** The demo accounts by username, handed to each feature's seed. */
export type DemoUsers = Record<string, UserRow>;

/**
 * A feature plugs into the three doors here and nowhere else: REST routes under /api,
 * Socket.IO handlers per connection, Yjs document kinds. It depends on services, never on
 * another feature's handlers.
 */
export interface Feature {
  name: string;
  /**
   * Routes anonymous visitors may call. Keep this list short: everything else goes in `routes`,
   * which the sign-in middleware guards, so a forgotten check can't make a route public.
   */
  publicRoutes?(api: Hono<PublicEnv>, ctx: AppContext): void;
  /** Routes for signed-in people; `c.var.user` is always set in them. */
  routes?(api: Hono<ApiEnv>, ctx: AppContext): void;
  socket?(socket: IoSocket, ctx: AppContext): void;
  /**
   * A Socket.IO handshake asking to come in as a guest (`auth: {guest: true}`): the feature that
   * issues guest sessions (forums: 现场评议) answers with the guest, or null to refuse.
   */
  guestHandshake?(
    ctx: AppContext,
    cookieHeader: string | undefined,
  ): Promise<Pick<SocketData, "user" | "session"> | null>;
  /** handlers of a guest's socket; a guest's socket gets these and no feature's `socket` */
  guestSocket?(socket: IoSocket, ctx: AppContext): void;
  docKinds?(ctx: AppContext): DocKind[];
  /** demo content for a fresh embedded database (see db/seed.ts) */
  seed?(db: Db, users: DemoUsers): Promise<void>;
  /** start-up work that must finish before the first request (e.g. moving stored bytes out of the database) */
  prepare?(ctx: AppContext): Promise<void>;
  /**
   * The user behind `socket` changed role or membership (socket.data.user is already the fresh
   * row): leave the rooms the user may no longer be in, join those they now may.
   */
  authorityChanged?(socket: IoSocket, ctx: AppContext): Promise<void>;
  /** background work (timers, subscriptions) started once the server listens */
  start?(ctx: AppContext): Promise<void> | void;
  /** tears down what start (or first use) built for this server: timers, caches, live state */
  stop?(ctx: AppContext): Promise<void> | void;
}
