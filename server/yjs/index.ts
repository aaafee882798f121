import type { Hono } from "hono";
import { requireOrganiser } from "../auth/policy.ts";
import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";
import type { ApiEnv } from "../http/env.ts";
import { listQuarantine } from "./persistence.ts";

/** Admin view of the co-edited documents' store: stored updates that failed to apply on load. */
function routes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/documents/quarantine", async (c) => {
    requireOrganiser(c.var.user);
    const rows = await listQuarantine(ctx.db);
    return c.json({
      quarantined: rows.map((r) => ({
        ...r,
        storedAt: r.storedAt.toISOString(),
        quarantinedAt: r.quarantinedAt.toISOString(),
      })),
    });
  });
}

export const documentsFeature: Feature = { name: "documents", routes };
