import { randomUUID } from "node:crypto";
import { and, asc, count, eq, isNotNull } from "drizzle-orm";
import type { Street } from "../../shared/auth.ts";
import type { CommunityCreate, ManagedStreet, OrgPatch, StreetCreate } from "../../shared/org.ts";
import { recordAudit } from "../audit/service.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import { conflict, invalidInput, notFound } from "../lib/errors.ts";
import { forums } from "../forums/schema.ts";
import { proposals } from "../proposals/schema.ts";
import { qaEvents } from "../qa/schema.ts";
import { studios } from "../studios/schema.ts";
import { communities, streets } from "./schema.ts";

/** 街道 with their 社区, in the district's order; retired units are left out (pickers never offer them). */
export async function loadOrg(db: Db): Promise<Street[]> {
  const tree = await loadManagedOrg(db);
  return tree
    .filter((street) => !street.retired)
    .map((street) => ({
      id: street.id,
      name: street.name,
      communities: street.communities
        .filter((c) => !c.retired)
        .map((c) => ({ id: c.id, name: c.name, streetId: c.streetId, demo: c.demo })),
    }));
}

/** The organiser's tree: retired units too, with the number of people in each community. */
export async function loadManagedOrg(db: Db): Promise<ManagedStreet[]> {
  const streetRows = await db.select().from(streets).orderBy(asc(streets.sort), asc(streets.id));
  const communityRows = await db.select().from(communities).orderBy(asc(communities.demo), asc(communities.id));
  const people = await db
    .select({ communityId: users.communityId, n: count() })
    .from(users)
    .where(isNotNull(users.communityId))
    .groupBy(users.communityId);
  const peopleBy = new Map(people.map((p) => [p.communityId, Number(p.n)]));
  return streetRows.map((street) => ({
    id: street.id,
    name: street.name,
    retired: street.retired,
    communities: communityRows
      .filter((c) => c.streetId === street.id)
      .map((c) => ({ ...c, people: peopleBy.get(c.id) ?? 0 })),
  }));
}

/** New units get a short random id; names may change, ids never do. */
const newOrgId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function createStreet(db: Db, actor: UserRow, input: StreetCreate) {
  return db.transaction(async (tx) => {
    const [clash] = await tx.select().from(streets).where(eq(streets.name, input.name));
    if (clash) throw conflict(`已有名为「${input.name}」的街道`);
    const [{ n }] = await tx.select({ n: count() }).from(streets);
    const [row] = await tx
      .insert(streets)
      .values({ id: newOrgId("s"), name: input.name, sort: Number(n) })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: "org.street_create",
      targetType: "street",
      targetId: row.id,
      after: row,
    });
    return row;
  });
}

export async function createCommunity(db: Db, actor: UserRow, input: CommunityCreate) {
  return db.transaction(async (tx) => {
    const [street] = await tx.select().from(streets).where(eq(streets.id, input.streetId));
    if (!street || street.retired) throw invalidInput("街道不存在或已撤销");
    const [clash] = await tx
      .select()
      .from(communities)
      .where(and(eq(communities.streetId, input.streetId), eq(communities.name, input.name)));
    if (clash) {
      if (!clash.retired) throw conflict(`${street.name}已有「${input.name}」`);
      // Bringing back a retired community keeps its history together instead of making a twin.
      const [revived] = await tx
        .update(communities)
        .set({ retired: false })
        .where(eq(communities.id, clash.id))
        .returning();
      await recordAudit(tx, {
        actorId: actor.id,
        action: "org.community_restore",
        targetType: "community",
        targetId: clash.id,
        before: clash,
        after: revived,
      });
      return revived;
    }
    const [row] = await tx
      .insert(communities)
      .values({ id: newOrgId("c"), streetId: input.streetId, name: input.name, demo: false })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: "org.community_create",
      targetType: "community",
      targetId: row.id,
      after: row,
    });
    return row;
  });
}

export async function patchStreet(db: Db, actor: UserRow, id: string, patch: OrgPatch) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(streets).where(eq(streets.id, id));
    if (!before) throw notFound("街道不存在");
    const [after] = await tx.update(streets).set(patch).where(eq(streets.id, id)).returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: "org.street_update",
      targetType: "street",
      targetId: id,
      before,
      after,
    });
    return after;
  });
}

export async function patchCommunity(db: Db, actor: UserRow, id: string, patch: OrgPatch) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(communities).where(eq(communities.id, id));
    if (!before) throw notFound("社区不存在");
    const [after] = await tx.update(communities).set(patch).where(eq(communities.id, id)).returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: "org.community_update",
      targetType: "community",
      targetId: id,
      before,
      after,
    });
    return after;
  });
}

/**
 * Merges one community into another: its people and its activities (proposals) move to the
 * survivor, and the merged community is retired so old records still name it.
 */
export async function mergeCommunity(db: Db, actor: UserRow, id: string, intoId: string) {
  if (id === intoId) throw invalidInput("不能与自身合并");
  return db.transaction(async (tx) => {
    const [from] = await tx.select().from(communities).where(eq(communities.id, id));
    const [into] = await tx.select().from(communities).where(eq(communities.id, intoId));
    if (!from || !into) throw notFound("社区不存在");
    if (into.retired) throw invalidInput("不能合并到已撤销的社区");
    const moved = await tx
      .update(users)
      .set({ communityId: intoId })
      .where(eq(users.communityId, id))
      .returning({ id: users.id });
    await tx.update(proposals).set({ communityId: intoId }).where(eq(proposals.communityId, id));
    await tx.update(communities).set({ retired: true }).where(eq(communities.id, id));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "org.community_merge",
      targetType: "community",
      targetId: id,
      before: from,
      after: { intoId, intoName: into.name },
      meta: { people: moved.length },
    });
    return { moved: moved.length };
  });
}

/** Merges one street into another: its communities and street admins move, and it is retired. */
export async function mergeStreet(db: Db, actor: UserRow, id: string, intoId: string) {
  if (id === intoId) throw invalidInput("不能与自身合并");
  return db.transaction(async (tx) => {
    const [from] = await tx.select().from(streets).where(eq(streets.id, id));
    const [into] = await tx.select().from(streets).where(eq(streets.id, intoId));
    if (!from || !into) throw notFound("街道不存在");
    if (into.retired) throw invalidInput("不能合并到已撤销的街道");
    const movedCommunities = await tx
      .update(communities)
      .set({ streetId: intoId })
      .where(eq(communities.streetId, id))
      .returning({ id: communities.id });
    await tx.update(users).set({ streetId: intoId }).where(eq(users.streetId, id));
    // the street's activities move too, so the merged street's admins keep managing them
    await tx.update(forums).set({ streetId: intoId }).where(eq(forums.streetId, id));
    await tx.update(studios).set({ streetId: intoId }).where(eq(studios.streetId, id));
    await tx.update(qaEvents).set({ streetId: intoId }).where(eq(qaEvents.streetId, id));
    await tx.update(streets).set({ retired: true }).where(eq(streets.id, id));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "org.street_merge",
      targetType: "street",
      targetId: id,
      before: from,
      after: { intoId, intoName: into.name },
      meta: { communities: movedCommunities.length },
    });
    return { moved: movedCommunities.length };
  });
}
