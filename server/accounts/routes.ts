import type { Hono } from "hono";
import { CreateUserSchema, UserListQuerySchema, UserPatchSchema } from "../../shared/auth.ts";
import type { AppContext } from "../context.ts";
import { type ApiEnv, readId, readJson, readQuery } from "../http/env.ts";
import { createPerson, getPerson, listPeople, resetPassword, updatePerson } from "./service.ts";

/**
 * People management. The answers of create and reset carry a password: they are marked
 * `no-store` so no cache keeps them, and nothing here logs a body.
 */
export function accountRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/users", async (c) => {
    const { streetId } = readQuery(c, UserListQuerySchema);
    return c.json({ users: await listPeople(ctx, c.var.user, streetId) });
  });

  api.post("/users", async (c) => {
    const actor = c.var.user;
    const input = await readJson(c, CreateUserSchema);
    c.header("cache-control", "no-store");
    return c.json(await createPerson(ctx, actor, input), 201);
  });

  api.get("/users/:id", async (c) => c.json({ user: await getPerson(ctx, c.var.user, readId(c)) }));

  api.patch("/users/:id", async (c) => {
    const actor = c.var.user;
    const userId = readId(c);
    const patch = await readJson(c, UserPatchSchema);
    return c.json({ user: await updatePerson(ctx, actor, userId, patch) });
  });

  api.post("/users/:id/reset-password", async (c) => {
    const actor = c.var.user;
    const userId = readId(c);
    c.header("cache-control", "no-store");
    return c.json(await resetPassword(ctx, actor, userId));
  });
}
