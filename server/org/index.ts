import { asc } from "drizzle-orm";
import type { Hono } from "hono";
import type { Street } from "../../shared/auth.ts";
import type { AppContext } from "../context.ts";
import type { Feature } from "../features.ts";
import type { PublicEnv } from "../http/env.ts";
import { communities, streets } from "./schema.ts";

/** 街道 with their 社区, in the district's order. */
export async function loadOrg(ctx: AppContext): Promise<Street[]> {
  const streetRows = await ctx.db.select().from(streets).orderBy(asc(streets.sort));
  const communityRows = await ctx.db.select().from(communities).orderBy(asc(communities.demo), asc(communities.id));
  return streetRows.map((street) => ({
    id: street.id,
    name: street.name,
    communities: communityRows
      .filter((c) => c.streetId === street.id)
      .map((c) => ({ id: c.id, name: c.name, streetId: c.streetId, demo: c.demo })),
  }));
}

function orgRoutes(api: Hono<PublicEnv>, ctx: AppContext): void {
  // The district's structure is public knowledge; signed-out visitors see it on the register page.
  api.get("/org", async (c) => c.json({ streets: await loadOrg(ctx) }));
}

export const orgFeature: Feature = { name: "org", publicRoutes: orgRoutes };
