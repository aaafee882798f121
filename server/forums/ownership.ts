import type { Redis } from "ioredis";
import { AppError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";

/**
 * Which process runs a forum. Each running forum has one owner that holds its live state and
 * applies every change to it in one order; the other processes forward commands to it
 * (docs/forums.md, "Several processes").
 */
export interface ForumOwners {
  /** `"mine"` when this process owns the forum (taking it if nobody does), else the owner's id */
  resolve(forumId: string): Promise<"mine" | string>;
  /** sends a command to the owner and waits for its answer; throws OwnerMoved when it is not (or no longer) the owner */
  forward(owner: string, request: ForwardedRequest): Promise<unknown>;
  /** forget a remote owner learnt earlier (it moved or died) */
  forget(forumId: string): void;
  /** gives the forum up (after its state was written), so another process may take it at once */
  release(forumId: string): Promise<void>;
  /** the handler of commands forwarded to this process */
  serve(handler: (request: ForwardedRequest) => Promise<unknown>): void;
  /** called when this process lost a forum it owned (lease not renewed in time) */
  onLost(handler: (forumId: string) => void): void;
  stop(): Promise<void>;
}

export interface ForwardedRequest {
  forumId: string;
  op: string;
  /** the signed-in user as the forwarding process authenticated them (no password hash) */
  user: unknown;
  input: unknown;
}

/** The owner is gone or moved: the command was not run, so it may be sent again. */
export class OwnerMoved extends Error {}

/** One process: it owns every forum. */
export function localOwners(): ForumOwners {
  return {
    resolve: async () => "mine",
    forward: async () => {
      throw new OwnerMoved("no other process");
    },
    forget() {},
    release: async () => {},
    serve() {},
    onLost() {},
    stop: async () => {},
  };
}

/** How long a lease lasts without renewal: a crashed owner is replaced after at most this long. */
export const LEASE_MS = 5000;
const RENEW_MS = 1500;
/** a remote owner learnt from Redis is trusted this long before asking again */
const OWNER_CACHE_MS = 1000;
/** a forwarded command that is not answered in this time fails (it may have run: it is not resent) */
const FORWARD_TIMEOUT_MS = 10_000;

const leaseKey = (forumId: string) => `forums:owner:${forumId}`;
const channelOf = (processId: string) => `forums:rpc:${processId}`;

const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

type Message =
  | { t: "req"; id: number; from: string; request: ForwardedRequest }
  | { t: "res"; id: number; ok: true; result: unknown }
  | { t: "res"; id: number; ok: false; error: { status: number; code: string; message: string }; moved?: boolean };

/**
 * Ownership by a Redis lease (`SET NX PX`, renewed every 1.5 s) and commands forwarded over Redis
 * pub/sub to the owner's own channel. A publish that reaches nobody means the owner's process is
 * gone: its lease is cleared and the forum is taken over at once instead of after the lease expires.
 */
export function redisOwners(pub: Redis, subscriber: Redis, log: Logger): ForumOwners {
  const processId = crypto.randomUUID();
  const owned = new Set<string>();
  const remote = new Map<string, { owner: string; at: number }>();
  const waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }
  >();
  let nextId = 1;
  let handler: ((request: ForwardedRequest) => Promise<unknown>) | undefined;
  let lost: (forumId: string) => void = () => {};
  let stopped = false;
  // handled here: a failed subscribe must not become an unhandled rejection; commands then fail to resolve owners
  const ready = subscriber
    .subscribe(channelOf(processId))
    .catch((err) => log.error({ err }, "forum command channel not subscribed"));

  subscriber.on("message", (channel: string, raw: string) => {
    if (channel !== channelOf(processId)) return;
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (message.t === "res") {
      const wait = waiting.get(message.id);
      if (!wait) return;
      waiting.delete(message.id);
      clearTimeout(wait.timer);
      if (message.ok) wait.resolve(message.result);
      else if (message.moved) wait.reject(new OwnerMoved(message.error.message));
      else wait.reject(new AppError(message.error.status, message.error.code, message.error.message));
      return;
    }
    void answer(message);
  });

  async function answer(message: Extract<Message, { t: "req" }>): Promise<void> {
    let reply: Message;
    if (stopped || !handler || !owned.has(message.request.forumId)) {
      reply = {
        t: "res",
        id: message.id,
        ok: false,
        moved: true,
        error: { status: 409, code: "not_owner", message: "not the owner" },
      };
    } else {
      try {
        reply = { t: "res", id: message.id, ok: true, result: await handler(message.request) };
      } catch (error) {
        if (error instanceof OwnerMoved) {
          reply = {
            t: "res",
            id: message.id,
            ok: false,
            moved: true,
            error: { status: 409, code: "not_owner", message: error.message },
          };
        } else if (error instanceof AppError) {
          reply = {
            t: "res",
            id: message.id,
            ok: false,
            error: { status: error.status, code: error.code, message: error.message },
          };
        } else {
          log.error({ err: error, op: message.request.op }, "forwarded forum command failed");
          reply = {
            t: "res",
            id: message.id,
            ok: false,
            error: { status: 500, code: "internal", message: "服务器内部错误，请稍后再试" },
          };
        }
      }
    }
    await pub
      .publish(channelOf(message.from), JSON.stringify(reply))
      .catch((err) => log.warn({ err }, "forum reply not sent"));
  }

  const renewal = setInterval(() => {
    for (const forumId of owned) {
      pub
        .eval(RENEW, 1, leaseKey(forumId), processId, LEASE_MS)
        .then((kept) => {
          if (kept === 1 || !owned.has(forumId)) return;
          owned.delete(forumId);
          log.warn({ forumId }, "forum lease lost; another process runs it now");
          lost(forumId);
        })
        .catch((err) => log.warn({ err, forumId }, "forum lease renewal failed"));
    }
  }, RENEW_MS);
  renewal.unref();

  return {
    async resolve(forumId) {
      if (owned.has(forumId)) return "mine";
      const known = remote.get(forumId);
      if (known && Date.now() - known.at < OWNER_CACHE_MS) return known.owner;
      await ready;
      for (let attempt = 0; attempt < 3; attempt++) {
        if (stopped) throw new AppError(503, "unavailable", "服务器正在重启，请稍后再试");
        if ((await pub.set(leaseKey(forumId), processId, "PX", LEASE_MS, "NX")) === "OK") {
          owned.add(forumId);
          remote.delete(forumId);
          return "mine";
        }
        const owner = await pub.get(leaseKey(forumId));
        if (owner === processId) {
          owned.add(forumId);
          return "mine";
        }
        if (owner) {
          remote.set(forumId, { owner, at: Date.now() });
          return owner;
        }
      }
      throw new AppError(503, "unavailable", "论坛正在切换服务器，请稍后再试");
    },

    async forward(owner, request) {
      const id = nextId++;
      const answered = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new AppError(503, "unavailable", "服务器繁忙，请稍后再试"));
        }, FORWARD_TIMEOUT_MS);
        waiting.set(id, { resolve, reject, timer });
      });
      const receivers = await pub.publish(
        channelOf(owner),
        JSON.stringify({ t: "req", id, from: processId, request } satisfies Message),
      );
      if (receivers === 0) {
        // Nobody listens on the owner's channel: its process has died. Clear its lease (only if it
        // is still that owner's) so the caller can take the forum over now.
        const wait = waiting.get(id);
        if (wait) clearTimeout(wait.timer);
        waiting.delete(id);
        await pub.eval(RELEASE, 1, leaseKey(request.forumId), owner);
        remote.delete(request.forumId);
        throw new OwnerMoved("owner gone");
      }
      return answered;
    },

    forget(forumId) {
      remote.delete(forumId);
    },

    async release(forumId) {
      if (!owned.delete(forumId)) return;
      await pub
        .eval(RELEASE, 1, leaseKey(forumId), processId)
        .catch((err) => log.warn({ err, forumId }, "forum lease release failed"));
    },

    serve(h) {
      handler = h;
    },

    onLost(h) {
      lost = h;
    },

    async stop() {
      stopped = true;
      clearInterval(renewal);
      for (const forumId of [...owned]) {
        owned.delete(forumId);
        await pub.eval(RELEASE, 1, leaseKey(forumId), processId).catch(() => {});
      }
      for (const wait of waiting.values()) {
        clearTimeout(wait.timer);
        wait.reject(new AppError(503, "unavailable", "服务器正在重启，请稍后再试"));
      }
      waiting.clear();
      subscriber.disconnect();
    },
  };
}
