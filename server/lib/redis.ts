import type { Redis } from "ioredis";
import type { Logger } from "./logger.ts";

export interface RedisClients {
  /** commands and publishing; refuses at once while disconnected (no offline queue) */
  pub: Redis;
  /** subscriptions; queues SUBSCRIBE until connected and re-subscribes after a reconnect */
  sub: Redis;
}

/**
 * The two Redis connections of a process, built to fail softly. While Redis is down, every command
 * on `pub` fails at once instead of queueing (an outage must not hold requests open or pile up
 * memory): rate limits then count in memory (see rateLimit.ts), Socket.IO delivers to this
 * process's own sockets (see realtime/redisAdapter.ts) and a lost publication is only logged, because
 * the Socket.IO adapter and the Yjs relay publish without waiting for the answer and an unheeded
 * rejection would take the process down. ioredis reconnects by itself, so recovery needs no restart.
 * The client library is loaded here, on use: a process without REDIS_URL never needs it (a tenth
 * of a second of every start).
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisClients> {
  const { Redis } = await import("ioredis");
  const pub = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const sub = new Redis(url);
  let lastWarning = 0;
  const warn = (err: unknown, what: string) => {
    // one line per 10 s is enough to see an outage without flooding the log
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    log.warn({ err }, what);
  };
  pub.on("error", (err) => warn(err, "redis unavailable"));
  sub.on("error", (err) => warn(err, "redis unavailable"));
  const publish = pub.publish.bind(pub) as (channel: string | Buffer, message: string | Buffer) => Promise<number>;
  pub.publish = ((channel: string | Buffer, message: string | Buffer) =>
    publish(channel, message).catch((err: unknown) => {
      warn(err, "redis publish lost");
      return 0;
    })) as Redis["publish"];
  return { pub, sub };
}

/** Is Redis reachable for commands right now? */
export const redisReady = (clients: RedisClients) => clients.pub.status === "ready";
