import type { Context } from "hono";
import type { z } from "zod";
import { IdSchema } from "../../shared/ids.ts";
import type { SessionRow, UserRow } from "../auth/sessions.ts";
import { invalidInput, parseWith, unauthorized } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";

/** Variables every /api handler can read from `c.var`. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    log: Logger;
    user: UserRow | null;
    session: SessionRow | null;
  };
}
export type ApiContext = Context<ApiEnv>;

/** The signed-in user, or the contract's 401. */
export function requireUser(c: ApiContext): UserRow {
  const user = c.get("user");
  if (!user) throw unauthorized();
  return user;
}

/** Reads the JSON body and parses it with its schema from shared/ (400 on bad JSON or shape). */
export async function readJson<S extends z.ZodType>(c: ApiContext, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
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
export function readId(c: ApiContext, name = "id"): string {
  return parseWith(IdSchema, c.req.param(name));
}
