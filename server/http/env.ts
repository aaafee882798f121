import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { IdSchema } from "../../shared/ids.ts";
import type { SessionRow, UserRow } from "../auth/sessions.ts";
import { invalidInput, parseWith, unauthorized } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";

/**
 * Variables of the few routes that anonymous visitors may call (a feature's `publicRoutes`):
 * the visitor may or may not be signed in.
 */
export interface PublicEnv {
  Variables: {
    requestId: string;
    log: Logger;
    user: UserRow | null;
    session: SessionRow | null;
  };
}
export type PublicContext = Context<PublicEnv>;

/**
 * Variables of every other /api route. The sign-in middleware runs before all of them, so a
 * handler always has a user and session here (deny by default: see http/app.ts).
 */
export interface ApiEnv {
  Variables: {
    requestId: string;
    log: Logger;
    user: UserRow;
    session: SessionRow;
  };
}
export type ApiContext = Context<ApiEnv>;

/** Refuses every request without a valid session; mounted before all non-public routes. */
export const requireSignIn: MiddlewareHandler<PublicEnv> = async (c, next) => {
  if (!c.var.user || !c.var.session) throw unauthorized();
  await next();
};

/** Reads the JSON body and parses it with its schema from shared/ (400 on bad JSON or shape). */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw invalidInput("请求体不是有效的 JSON");
  }
  return parseWith(schema, body);
}

/** A JSON body that may be left out entirely (a bare POST): missing is `{}`, malformed is 400. */
export async function readOptionalJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  if (!text.trim()) return parseWith(schema, {});
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidInput("请求体不是有效的 JSON");
  }
  return parseWith(schema, body);
}

/** Parses query parameters with a schema (400 on bad values). */
export function readQuery<S extends z.ZodType>(c: ApiContext, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}

/** A path parameter that names an object: a UUID, or the contract's 400 before any query sees it. */
export function readId(c: ApiContext | PublicContext, name = "id"): string {
  return parseWith(IdSchema, c.req.param(name));
}
