import type { Hono } from "hono";
import {
  CommunityCreateSchema,
  OrgIdSchema,
  OrgMergeSchema,
  OrgPatchSchema,
  StreetCreateSchema,
} from "../../shared/org.ts";
import type { AppContext } from "../context.ts";
import { type ApiContext, type ApiEnv, type PublicEnv, readJson } from "../http/env.ts";
import { parseWith } from "../lib/errors.ts";
import { requireOrgEditor } from "./policy.ts";
import {
  createCommunity,
  createStreet,
  loadManagedOrg,
  loadOrg,
  mergeCommunity,
  mergeStreet,
  patchCommunity,
  patchStreet,
} from "./service.ts";

const orgId = (c: ApiContext) => parseWith(OrgIdSchema, c.req.param("id"));

export function orgPublicRoutes(api: Hono<PublicEnv>, ctx: AppContext): void {
  // The district's structure is public knowledge; signed-out visitors see it on the register page.
  api.get("/org", async (c) => c.json({ streets: await loadOrg(ctx.db) }));
}

export function orgRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/org/manage", async (c) => {
    requireOrgEditor(c.var.user);
    return c.json({ streets: await loadManagedOrg(ctx.db) });
  });

  api.post("/org/streets", async (c) => {
    requireOrgEditor(c.var.user);
    const street = await createStreet(ctx.db, c.var.user, await readJson(c, StreetCreateSchema));
    return c.json({ street }, 201);
  });

  api.patch("/org/streets/:id", async (c) => {
    requireOrgEditor(c.var.user);
    const street = await patchStreet(ctx.db, c.var.user, orgId(c), await readJson(c, OrgPatchSchema));
    return c.json({ street });
  });

  api.post("/org/streets/:id/merge", async (c) => {
    requireOrgEditor(c.var.user);
    const { intoId } = await readJson(c, OrgMergeSchema);
    return c.json(await mergeStreet(ctx.db, c.var.user, orgId(c), intoId));
  });

  api.post("/org/communities", async (c) => {
    requireOrgEditor(c.var.user);
    const community = await createCommunity(ctx.db, c.var.user, await readJson(c, CommunityCreateSchema));
    return c.json({ community }, 201);
  });

  api.patch("/org/communities/:id", async (c) => {
    requireOrgEditor(c.var.user);
    const community = await patchCommunity(ctx.db, c.var.user, orgId(c), await readJson(c, OrgPatchSchema));
    return c.json({ community });
  });

  api.post("/org/communities/:id/merge", async (c) => {
    requireOrgEditor(c.var.user);
    const { intoId } = await readJson(c, OrgMergeSchema);
    return c.json(await mergeCommunity(ctx.db, c.var.user, orgId(c), intoId));
  });
}
