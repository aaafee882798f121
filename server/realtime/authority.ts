import { eq } from "drizzle-orm";
import type { Redis } from "ioredis";
import { users } from "../auth/schema.ts";
import type { AppContext } from "../context.ts";
import { userRoom } from "../context.ts";
import type { Feature } from "../feature.ts";

const CHANNEL = "authority:user";

export interface Authority {
  /** Re-reads the user everywhere: this process at once, the others through Redis. */
  changed(userId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Authority is re-read when it changes. A socket or document connection keeps the user row it
 * was opened with; after a role change, demotion or membership change each process replaces that
 * row with a fresh one, lets every feature make the socket leave (or join) the rooms the user may
 * now (not) be in, and asks each open document connection's kind again.
 */
export async function createAuthority(
  ctx: AppContext,
  features: Feature[],
  redis?: { pub: Redis; sub: Redis },
): Promise<Authority> {
  const processId = crypto.randomUUID();

  async function applyHere(userId: string): Promise<void> {
    const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
    if (!user) return;
    const namespace = ctx.io.of("/");
    for (const socketId of namespace.adapter.rooms.get(userRoom(userId)) ?? []) {
      const socket = namespace.sockets.get(socketId);
      if (!socket) continue;
      socket.data.user = user;
      for (const feature of features) {
        await feature
          .authorityChanged?.(socket, ctx)
          ?.catch((error: unknown) =>
            ctx.log.warn({ err: error, userId, feature: feature.name }, "re-checking a socket's rooms failed"),
          );
      }
    }
    await ctx.yjs.refreshUser(user);
  }

  const onMessage = (channel: string, message: string) => {
    if (channel !== CHANNEL) return;
    const [origin, userId] = message.split(" ");
    if (origin === processId || !userId) return;
    applyHere(userId).catch((error) => ctx.log.error({ err: error, userId }, "applying an authority change failed"));
  };
  if (redis) {
    redis.sub.on("message", onMessage);
    await redis.sub.subscribe(CHANNEL);
  }

  return {
    async changed(userId) {
      if (redis) await redis.pub.publish(CHANNEL, `${processId} ${userId}`);
      await applyHere(userId);
    },
    async close() {
      redis?.sub.off("message", onMessage);
    },
  };
}
