import { RedisAdapter } from "@socket.io/redis-adapter";
import { type RedisClients, redisReady } from "../lib/redis.ts";

/**
 * The Socket.IO Redis adapter, taught one thing: while Redis is unreachable this process behaves as
 * if it were the only one. `fetchSockets()` and friends first ask Redis how many processes listen
 * (PUBSUB NUMSUB); during an outage that question fails, so we answer "1" and the adapter serves
 * this process's own sockets instead of failing the studio or forum action that asked.
 * Broadcasts still reach local sockets (the adapter delivers locally before publishing).
 */
class SoftRedisAdapter extends RedisAdapter {
  constructor(
    nsp: ConstructorParameters<typeof RedisAdapter>[0],
    private readonly clients: RedisClients,
  ) {
    super(nsp, clients.pub, clients.sub.duplicate());
  }

  override serverCount(): Promise<number> {
    if (!redisReady(this.clients)) return Promise.resolve(1);
    return super.serverCount().catch(() => 1);
  }
}

/** For `io.adapter()`, which calls it with `new`, so it must be a function rather than an arrow. */
export function softRedisAdapter(clients: RedisClients) {
  return function adapter(nsp: ConstructorParameters<typeof RedisAdapter>[0]) {
    return new SoftRedisAdapter(nsp, clients);
  };
}
