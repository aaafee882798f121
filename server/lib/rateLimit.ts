import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { rateLimited } from "./errors.ts";

export interface RateLimit {
  /** Counts one action for `key`; throws the contract's 429 when the budget is spent. */
  consume(key: string, points?: number): Promise<void>;
  /** Forget `key`. */
  reset(key: string): Promise<void>;
}

interface LimiterOptions {
  name: string;
  points: number;
  windowSeconds: number;
  redis?: Redis;
}

/**
 * A fixed-window counter. With Redis the counters are shared by every server process; while Redis
 * is unreachable each process counts in its own memory instead (rate-limiter-flexible's insurance
 * limiter), so a Redis outage loosens limits a little but never turns requests into errors.
 * `rejectIfRedisNotReady` makes that switch at once instead of queueing commands until a timeout.
 */
function limiter(options: LimiterOptions): RateLimiterAbstract {
  const common = { keyPrefix: `rl:${options.name}`, points: options.points, duration: options.windowSeconds };
  if (!options.redis) return new RateLimiterMemory(common);
  return new RateLimiterRedis({
    ...common,
    storeClient: options.redis,
    useRedisPackage: false,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(common),
  });
}

const retryAfter = (msBeforeNext: number) => Math.max(1, Math.ceil(msBeforeNext / 1000));

export function createRateLimit(options: LimiterOptions): RateLimit {
  const counter = limiter(options);
  return {
    async consume(key, points = 1) {
      try {
        await counter.consume(key, points);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw rateLimited(retryAfter(error.msBeforeNext));
        throw error;
      }
    },
    async reset(key) {
      await counter.delete(key);
    },
  };
}

/**
 * Counts failures (wrong passwords) rather than attempts. After `failures` of them within the
 * window the key must wait; each further time it reaches the limit the wait doubles, from
 * `firstDelaySeconds` up to `maxDelaySeconds`. A success clears the key. This is the "dynamic
 * block duration" pattern of rate-limiter-flexible: one limiter counts failures, a second, longer
 * one counts how often the first was exhausted, and `block()` sets the growing wait.
 */
export interface FailureThrottle {
  /** Throws 429 (with Retry-After) while `key` must wait; costs nothing otherwise. */
  check(key: string): Promise<void>;
  /** Records one failure for `key`, starting (or lengthening) its wait when the limit is reached. */
  fail(key: string): Promise<void>;
  /** Forgets `key`'s failures and past waits (after a success). */
  clear(key: string): Promise<void>;
}

export function createFailureThrottle(options: {
  name: string;
  failures: number;
  windowSeconds: number;
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  redis?: Redis;
}): FailureThrottle {
  const failures = limiter({
    name: options.name,
    points: options.failures,
    windowSeconds: options.windowSeconds,
    redis: options.redis,
  });
  // How many times in a day the key has used up its failures: the exponent of the next wait.
  const waits = limiter({
    name: `${options.name}:waits`,
    points: 1_000_000,
    windowSeconds: 24 * 60 * 60,
    redis: options.redis,
  });
  return {
    async check(key) {
      const state = await failures.get(key);
      if (state && state.consumedPoints > options.failures && state.msBeforeNext > 0) {
        throw rateLimited(retryAfter(state.msBeforeNext));
      }
    },
    async fail(key) {
      let counted: RateLimiterRes;
      try {
        counted = await failures.consume(key);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        counted = error;
      }
      if (counted.consumedPoints < options.failures) return;
      const round = await waits.consume(key);
      const delay = Math.min(options.maxDelaySeconds, options.firstDelaySeconds * 2 ** (round.consumedPoints - 1));
      await failures.block(key, delay);
    },
    async clear(key) {
      await Promise.all([failures.delete(key), waits.delete(key)]);
    },
  };
}
