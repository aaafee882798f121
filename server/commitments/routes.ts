import type { Hono } from "hono";
import { CreateCommitmentSchema, UpdateCommitmentSchema } from "../../shared/commitments.ts";
import type { AppContext } from "../context.ts";
import { type ApiEnv, readId, readJson } from "../http/env.ts";
import {
  createCommitment,
  forumCommitments,
  ownCommitments,
  previousCommitments,
  updateCommitment,
} from "./service.ts";

export function commitmentRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/commitments", async (c) => {
    const user = c.var.user;
    return c.json({ commitments: await ownCommitments(ctx.db, user) });
  });

  api.patch("/commitments/:id", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, UpdateCommitmentSchema);
    return c.json({ commitment: await updateCommitment(ctx, user, readId(c), input) });
  });

  api.get("/forums/:id/commitments", async (c) => {
    const user = c.var.user;
    return c.json({ commitments: await forumCommitments(ctx.db, user, readId(c)) });
  });

  // 上次承诺事项: shown in the room and on the projector before the first talk
  api.get("/forums/:id/commitments/previous", async (c) => {
    const user = c.var.user;
    return c.json({ commitments: await previousCommitments(ctx.db, user, readId(c)) });
  });

  api.post("/forums/:id/commitments", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, CreateCommitmentSchema);
    return c.json({ commitment: await createCommitment(ctx, user, readId(c), input) }, 201);
  });
}
