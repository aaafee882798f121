import { and, desc, eq } from "drizzle-orm";
import { type ProposalVersion, proposalDocName } from "../../shared/proposals.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import { notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { announce } from "./announce.ts";
import { docFromUpdates, docToJson, replaceContent } from "./document.ts";
import { type Ctx, loadFor, person, UUID } from "./load.ts";
import { requireEditable, requireRead, requireWriter } from "./policy.ts";
import { proposalVersions, proposals } from "./schema.ts";

// Named versions of a proposal's document: saved by hand or on each submission, viewed, restored, exported.

/** Saves the document's current state as a version. */
export async function snapshot(ctx: Ctx, id: string, name: string, userId: string, round: number | null) {
  const state = await ctx.yjs.encodeState(proposalDocName(id));
  const [version] = await ctx.db
    .insert(proposalVersions)
    .values({ proposalId: id, name, round, createdBy: userId, snapshot: state })
    .returning();
  return version!;
}

function toVersion(
  v: typeof proposalVersions.$inferSelect,
  author: { id: string; displayName: string; role: string },
): ProposalVersion {
  return {
    id: v.id,
    name: v.name,
    round: v.round,
    createdBy: person(author),
    createdAt: v.createdAt.toISOString(),
    bytes: v.snapshot.byteLength,
  };
}

export async function listVersions(ctx: Ctx, user: UserRow, id: string): Promise<ProposalVersion[]> {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  const rows = await ctx.db
    .select({ v: proposalVersions, u: { id: users.id, displayName: users.displayName, role: users.role } })
    .from(proposalVersions)
    .innerJoin(users, eq(users.id, proposalVersions.createdBy))
    .where(eq(proposalVersions.proposalId, id))
    .orderBy(desc(proposalVersions.createdAt));
  return rows.map((r) => toVersion(r.v, r.u));
}

export async function saveVersion(ctx: Ctx, user: UserRow, id: string, name: string): Promise<ProposalVersion> {
  const { role } = await loadFor(ctx.db, user, id);
  requireWriter(role);
  await checkText(ctx, name);
  const version = await snapshot(ctx, id, name, user.id, null);
  await announce(ctx, id, "versions");
  return toVersion(version, user);
}

async function loadVersion(ctx: Ctx, id: string, versionId: string) {
  if (!UUID.test(versionId)) throw notFound("找不到该版本");
  const [version] = await ctx.db
    .select()
    .from(proposalVersions)
    .where(and(eq(proposalVersions.id, versionId), eq(proposalVersions.proposalId, id)));
  if (!version) throw notFound("找不到该版本");
  return version;
}

/** The content of a version as ProseMirror JSON (viewed read-only in the browser). */
export async function versionContent(ctx: Ctx, user: UserRow, id: string, versionId: string) {
  const { role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  const version = await loadVersion(ctx, id, versionId);
  const doc = docFromUpdates([version.snapshot]);
  try {
    return docToJson(doc);
  } finally {
    doc.destroy();
  }
}

/** Restores a version as a new change on top of the current document; nothing is overwritten. */
export async function restoreVersion(ctx: Ctx, user: UserRow, id: string, versionId: string): Promise<ProposalVersion> {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireEditable(role, row.status);
  const version = await loadVersion(ctx, id, versionId);
  const source = docFromUpdates([version.snapshot]);
  try {
    await ctx.yjs.applyServerChange(proposalDocName(id), (doc) => replaceContent(doc, source));
  } finally {
    source.destroy();
  }
  await ctx.db.update(proposals).set({ updatedAt: new Date() }).where(eq(proposals.id, id));
  await announce(ctx, id, "versions");
  const [author] = await ctx.db.select().from(users).where(eq(users.id, version.createdBy));
  return toVersion(version, author!);
}

/** The current document (or a version) as ProseMirror JSON, for export. */
export async function contentFor(ctx: Ctx, user: UserRow, id: string, versionId?: string) {
  const { row, role } = await loadFor(ctx.db, user, id);
  requireRead(role);
  const state = versionId
    ? (await loadVersion(ctx, id, versionId)).snapshot
    : await ctx.yjs.encodeState(proposalDocName(id));
  const doc = docFromUpdates([state]);
  try {
    return { title: row.title, content: docToJson(doc) };
  } finally {
    doc.destroy();
  }
}
