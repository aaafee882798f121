import { and, arrayOverlaps, eq } from "drizzle-orm";
import type { Hono } from "hono";
import {
  ArchiveQuerySchema,
  CreateForumSchema,
  CreateTalkSchema,
  type ForumModeration,
  type JoinOrigin,
  ReorderTalksSchema,
  TalkNotesSchema,
  UpdateForumSchema,
  UpdateTalkSchema,
  UpdateGroupsSchema,
} from "../../shared/forums.ts";
import { users } from "../auth/schema.ts";
import { type ApiContext, type ApiEnv, type PublicEnv, readId, readJson, readQuery } from "../http/env.ts";
import { forbidden } from "../lib/errors.ts";
import { addTalk, deleteForum, deleteTalk, reorderTalks, updateForum, updateGroups, updateTalk } from "./agenda.ts";
import { archiveMarkdown, archiveScoresCsv, buildArchive } from "./archive.ts";
import { fileResponse } from "../files/serve.ts";
import { deckFile, uploadDeck } from "./decks.ts";
import { canCreateForum, canUseNotes, PRESENTER_ROLES } from "./policy.ts";
import { forumTalks } from "./schema.ts";
import { createForum, findForumRow, findTalkRow, getForum, listForums, moderationView } from "./service.ts";
import type { ForumsContext } from "./live.ts";

const forumId = (c: ApiContext) => readId(c);
const talkId = (c: ApiContext) => readId(c, "talkId");

export function forumRoutes(api: Hono<ApiEnv>, ctx: ForumsContext): void {
  api.get("/forums", async (c) => {
    c.var.user;
    return c.json({ forums: await listForums(ctx.db) });
  });

  api.post("/forums", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, CreateForumSchema);
    return c.json({ forum: await createForum(ctx, user, input) }, 201);
  });

  api.get("/forums/presenters", async (c) => {
    const user = c.var.user;
    if (!canCreateForum(user)) throw forbidden("只有组织部、街道管理员和社区书记可以安排发言");
    const rows = await ctx.db
      .select({
        id: users.id,
        displayName: users.displayName,
        role: users.role,
        roles: users.roles,
        communityId: users.communityId,
      })
      .from(users)
      .where(and(arrayOverlaps(users.roles, [...PRESENTER_ROLES]), eq(users.disabled, false)))
      .orderBy(users.displayName)
      .limit(1000);
    return c.json({ users: rows });
  });

  // The join QR must carry the address phones can reach, which only the server's configuration knows.
  api.get("/forums/join-origin", (c) => {
    c.var.user;
    const body: JoinOrigin = {
      publicOrigin: ctx.config.PUBLIC_ORIGIN ? new URL(ctx.config.PUBLIC_ORIGIN).origin : null,
    };
    return c.json(body);
  });

  api.get("/forums/:id", async (c) => {
    c.var.user;
    return c.json({ forum: await getForum(ctx.db, forumId(c)) });
  });

  api.patch("/forums/:id", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, UpdateForumSchema);
    return c.json({ forum: await updateForum(ctx, user, forumId(c), input) });
  });

  api.delete("/forums/:id", async (c) => {
    const user = c.var.user;
    await deleteForum(ctx, user, forumId(c));
    return c.json({ ok: true });
  });

  api.put("/forums/:id/talks/order", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, ReorderTalksSchema);
    return c.json({ forum: await reorderTalks(ctx, user, forumId(c), input) });
  });

  api.patch("/forums/:id/talks/:talkId", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, UpdateTalkSchema);
    return c.json({ talk: await updateTalk(ctx, user, forumId(c), talkId(c), input) });
  });

  api.delete("/forums/:id/talks/:talkId", async (c) => {
    const user = c.var.user;
    return c.json({ forum: await deleteTalk(ctx, user, forumId(c), talkId(c)) });
  });

  api.post("/forums/:id/talks", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, CreateTalkSchema);
    return c.json({ talk: await addTalk(ctx, user, forumId(c), input) }, 201);
  });

  api.put("/forums/:id/groups", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, UpdateGroupsSchema);
    return c.json({ forum: await updateGroups(ctx, user, forumId(c), input) });
  });

  api.post("/forums/:id/talks/:talkId/deck", async (c) => {
    const user = c.var.user;
    return c.json({ talk: await uploadDeck(ctx, c.req.raw, user, forumId(c), talkId(c)) }, 201);
  });

  // Streamed from the file store; Range requests let pdf.js fetch only what the page on screen needs.
  api.get("/forums/:id/talks/:talkId/deck", async (c) => {
    c.var.user;
    return fileResponse(ctx.files, c.req.raw, await deckFile(ctx, forumId(c), talkId(c)));
  });

  api.get("/forums/:id/talks/:talkId/notes", async (c) => {
    const user = c.var.user;
    const forum = await findForumRow(ctx.db, forumId(c));
    const talk = await findTalkRow(ctx.db, forum.id, talkId(c));
    if (!canUseNotes(user, talk)) throw forbidden("演讲备注只有发言人本人可见");
    return c.json({ notes: talk.notes });
  });

  api.put("/forums/:id/talks/:talkId/notes", async (c) => {
    const user = c.var.user;
    const { notes } = await readJson(c, TalkNotesSchema);
    const forum = await findForumRow(ctx.db, forumId(c));
    const talk = await findTalkRow(ctx.db, forum.id, talkId(c));
    if (!canUseNotes(user, talk)) throw forbidden("只有发言人本人可以编辑备注");
    await ctx.db.update(forumTalks).set({ notes }).where(eq(forumTalks.id, talk.id));
    return c.json({ notes });
  });

  // 审核/实名: the only place anonymous askers are named; each opening is audited (service.ts)
  api.get("/forums/:id/moderation", async (c) => {
    const user = c.var.user;
    c.header("cache-control", "no-store");
    return c.json({ questions: await moderationView(ctx, user, forumId(c)) } satisfies ForumModeration);
  });

  api.get("/forums/:id/archive", async (c) => {
    const user = c.var.user;
    const { format } = readQuery(c, ArchiveQuerySchema);
    const archive = await buildArchive(ctx, user, forumId(c));
    if (format === "json") return c.json({ archive });
    const stamp = archive.forum.startsAt.slice(0, 10);
    if (format === "md") {
      c.header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(`论坛归档-${stamp}.md`)}`);
      return c.body(archiveMarkdown(archive), 200, { "content-type": "text/markdown; charset=utf-8" });
    }
    c.header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(`评分-${stamp}.csv`)}`);
    return c.body(archiveScoresCsv(archive), 200, { "content-type": "text/csv; charset=utf-8" });
  });
}

/**
 * The room as the forum:join event would answer this person, asked for over HTTP by a page opened
 * cold (client/public/boot/forum-room.js) so its first render need not wait for the realtime
 * connection; joining, with its pushes, is still the socket's. Public only so that a signed-out
 * visitor's boot script gets a plain `{state: null}` rather than a 401 logged in the console: the
 * room itself is a member's, as on every other forum route.
 */
export function roomForFirstRender(api: Hono<PublicEnv>, ctx: ForumsContext): void {
  api.get("/forums/:id/room", async (c) => {
    const user = c.var.user;
    if (!user) return c.json({ state: null });
    return c.json({ state: await ctx.live.exec(readId(c), "peek", user, null) });
  });
}
