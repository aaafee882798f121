import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { WORD_LIMITS } from "../../shared/moderation.ts";
import { ROSTER_LIMITS } from "../../shared/roster.ts";
import type { Config } from "../config.ts";
import { tooLarge } from "../lib/errors.ts";
import type { PublicEnv } from "./env.ts";

/** Room for the multipart boundary and part headers around a file of the maximum size. */
export const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * The few routes that take files, and how large a body each accepts from a signed-in user. Every
 * other body — and every body at all from someone not signed in — gets MAX_JSON_BYTES. The route
 * itself still checks who may upload and streams the file under its own limit.
 */
const UPLOAD_ROUTES: { method: string; path: RegExp; maxBytes: (config: Config) => number }[] = [
  {
    method: "POST",
    path: /^\/api\/forums\/[^/]+\/talks\/[^/]+\/deck$/,
    maxBytes: (c) => c.MAX_DECK_BYTES + MULTIPART_OVERHEAD,
  },
  {
    method: "POST",
    path: /^\/api\/studios\/[^/]+\/attachments$/,
    maxBytes: (c) => c.MAX_ATTACHMENT_BYTES + MULTIPART_OVERHEAD,
  },
  { method: "POST", path: /^\/api\/users\/import$/, maxBytes: () => ROSTER_LIMITS.maxBytes + MULTIPART_OVERHEAD },
  {
    method: "POST",
    path: /^\/api\/moderation\/words\/import$/,
    maxBytes: () => WORD_LIMITS.importBytes + MULTIPART_OVERHEAD,
  },
];

/** How many bytes this request's body may have: small unless a signed-in user hits an upload route. */
export function bodyBudget(config: Config, method: string, path: string, signedIn: boolean): number {
  if (signedIn) {
    const upload = UPLOAD_ROUTES.find((route) => route.method === method && route.path.test(path));
    if (upload) return upload.maxBytes(config);
  }
  return config.MAX_JSON_BYTES;
}

/**
 * Limits every request body, whatever its Content-Type and whether or not it declares a length,
 * before any handler reads it. A declared length over the budget is refused without reading a
 * byte; a chunked body is counted as it arrives and refused as soon as it passes the budget. The
 * 413 carries `Connection: close` (see renderError), so the unread rest is never taken in.
 * Runs after the session is loaded, so only a signed-in user can reach an upload route's budget.
 */
export function limitBody(config: Config): MiddlewareHandler<PublicEnv> {
  const limiters = new Map<number, MiddlewareHandler>();
  const limiterFor = (maxSize: number) => {
    let limiter = limiters.get(maxSize);
    if (!limiter) {
      limiter = bodyLimit({
        maxSize,
        onError: () => {
          throw tooLarge("请求内容过大");
        },
      });
      limiters.set(maxSize, limiter);
    }
    return limiter;
  };
  return (c, next) => {
    const signedIn = Boolean(c.get("user"));
    return limiterFor(bodyBudget(config, c.req.method, c.req.path, signedIn))(c, next);
  };
}
