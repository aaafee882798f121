import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { rateLimited } from "./errors.ts";

export interface RateLimit {
  /** Counts one action for `key`; throws the contract's 429 when the budget is spent. */
  consume(key: string, points?: number): Promise<void>;
  /** Forget `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/**
 * A fixed-window limiter. With Redis the counters are shared by every server process,
 * otherwise they live in this process.
 */
export function createRateLimit(options: {
  name: string;
  points: number;
  windowSeconds: number;
  redis?: Redis;
}): RateLimit {
  const common = { keyPrefix: `rl:${options.name}`, points: options.points, duration: options.windowSeconds };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({ ...common, storeClient: options.redis, useRedisPackage: false })
    : new RateLimiterMemory(common);
  return {
    async consume(key, points = 1) {
      try {
        await limiter.consume(key, points);
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          throw rateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
        }
        throw error;
      }
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}
