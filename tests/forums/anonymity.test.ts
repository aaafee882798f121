import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../server/audit/schema.ts";
import type { ForumQuestion, ModeratedQuestion } from "../../shared/forums.ts";
import { createUser, emitAck, type TestSocket } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { clientId, joinForum, setupForum, sleep } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/**
 * Everything about questions a socket receives: the pushes, plus what the test stores from its
 * join snapshots and acks. Presence is left out on purpose: it names who is in the hall (by design),
 * not who asked what.
 */
function record(socket: TestSocket, into: unknown[]) {
  const s = socket as unknown as { on(e: string, fn: (p: unknown) => void): void };
  for (const event of ["forum:question", "forum:state", "forum:scoreboard", "forum:chat"])
    s.on(event, (p) => into.push({ event, p }));
}

async function auditCount(actorId: string, forumId: string) {
  const rows = await server.ctx.db
    .select()
    .from(auditLog)
    .where(
      and(eq(auditLog.actorId, actorId), eq(auditLog.action, "forum.authors_view"), eq(auditLog.targetId, forumId)),
    );
  return rows.length;
}

describe("anonymity that holds", () => {
  it("an anonymous asker's name and id reach no one — audience, host, an admin-driven projector, archive, CSV, Markdown — but the audited moderation view", async () => {
    const { forum, host, presenterA, talkA } = await setupForum(server, { mode: "examination" });
    const asker = await createUser(server, { role: "resident", displayName: `匿名者${Date.now().toString(36)}` });
    const admin = await createUser(server, { role: "admin" });
    const audience = await createUser(server, { role: "worker" });
    const secrets = [asker.user.id, asker.user.username, asker.user.displayName];

    const h = await joinForum(server, host.client, forum.id);
    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" })).ok).toBe(true);
    // the projector: an admin account drives it (it joins like any room page)
    const screen = await joinForum(server, admin.client, forum.id);
    const a = await joinForum(server, audience.client, forum.id);
    const p = await joinForum(server, presenterA.client, forum.id);
    const q = await joinForum(server, asker.client, forum.id);
    const seen = {
      host: [] as unknown[],
      screen: [] as unknown[],
      audience: [] as unknown[],
      presenter: [] as unknown[],
    };
    record(h.socket, seen.host);
    record(screen.socket, seen.screen);
    record(a.socket, seen.audience);
    record(p.socket, seen.presenter);

    const asked = await emitAck(q.socket, "forum:ask", {
      forumId: forum.id,
      text: "楼道里的电动车什么时候能清理？",
      anonymous: true,
      clientId: clientId(),
    });
    expect(asked.ok).toBe(true);
    // even the asker's own payload carries no name: it is marked as theirs instead
    expect(asked.question).toMatchObject({ author: null, anonymous: true, mine: true, status: "pending" });
    const questionId = asked.question.id as string;
    // a signed question of someone else keeps its author
    const signed = await emitAck(a.socket, "forum:ask", {
      forumId: forum.id,
      text: "社区食堂能开到晚上吗？",
      clientId: clientId(),
    });
    expect(signed.question.author.id).toBe(audience.user.id);

    // the host approves, puts it on the projector, marks it answered on stage — as an admin on the projector would
    const acks: unknown[] = [];
    for (const [socket, action, note] of [
      [h.socket, "approve", undefined],
      [screen.socket, "highlight", undefined],
      [h.socket, "answered", "已联系物业，本月底前清理完毕"],
    ] as const) {
      const ack = await emitAck(socket, "forum:moderate", {
        forumId: forum.id,
        questionId,
        action,
        ...(note ? { note } : {}),
      });
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
      acks.push(ack);
    }
    expect(await emitAck(a.socket, "forum:vote", { forumId: forum.id, questionId })).toMatchObject({
      ok: true,
      votes: 1,
    });
    await sleep(300); // the coalesced vote push

    // snapshots after the fact: host, projector, audience, presenter
    const snapshots = await Promise.all(
      [h, screen, a, p].map(async ({ socket }) => (await emitAck(socket, "forum:join", { forumId: forum.id })).state),
    );
    for (const state of snapshots) {
      const question = (state.questions as ForumQuestion[]).find((x) => x.id === questionId)!;
      expect(question).toMatchObject({
        author: null,
        anonymous: true,
        mine: false,
        status: "answered",
        answerNote: "已联系物业，本月底前清理完毕",
      });
      const { presence: _presence, ...rest } = state;
      acks.push(rest);
    }
    expect(seen.audience.some((x) => (x as { event: string }).event === "forum:question")).toBe(true);
    expect(seen.screen.some((x) => (x as { event: string }).event === "forum:question")).toBe(true);
    expect(seen.host.length).toBeGreaterThan(0);

    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "end" })).ok).toBe(true);
    const exports: string[] = [];
    for (const client of [host.client, admin.client, audience.client]) {
      const json = await client.get(`/api/forums/${forum.id}/archive`);
      expect(json.status).toBe(200);
      expect(json.body.archive.questions.find((x: ForumQuestion) => x.id === questionId)).toMatchObject({
        author: null,
        answerNote: "已联系物业，本月底前清理完毕",
      });
      exports.push(JSON.stringify(json.body));
      const md = await client.get(`/api/forums/${forum.id}/archive?format=md`);
      expect(md.body).toContain("楼道里的电动车什么时候能清理");
      expect(md.body).toContain("现场答复：已联系物业");
      exports.push(md.body as string);
      const csv = await client.get(`/api/forums/${forum.id}/archive?format=csv`);
      expect(csv.status).toBe(200);
      exports.push(csv.body as string);
    }

    const everything = JSON.stringify({ seen, acks }) + exports.join("\n");
    // the test can see the signed asker's name, so it would see the anonymous one's
    expect(everything).toContain(audience.user.displayName);
    for (const secret of secrets) expect(everything, secret).not.toContain(secret);

    // the moderation view names the asker to the forum's host and to an organiser, and each opening is audited
    const before = await auditCount(host.user.id, forum.id);
    const moderation = await host.client.get(`/api/forums/${forum.id}/moderation`);
    expect(moderation.status).toBe(200);
    const named = (moderation.body.questions as ModeratedQuestion[]).find((x) => x.id === questionId)!;
    expect(named.author).toMatchObject({ id: asker.user.id, displayName: asker.user.displayName });
    expect(await auditCount(host.user.id, forum.id)).toBe(before + 1);
    await host.client.get(`/api/forums/${forum.id}/moderation`);
    expect(await auditCount(host.user.id, forum.id)).toBe(before + 2);
    expect((await admin.client.get(`/api/forums/${forum.id}/moderation`)).status).toBe(200);
    expect(await auditCount(admin.user.id, forum.id)).toBe(1);

    // nobody else: the presenter, the audience, a street admin of another street, the asker
    const otherStreet = await createUser(server, { role: "street_admin", streetId: "hedong" });
    for (const who of [presenterA, audience, otherStreet, asker]) {
      const refused = await who.client.get(`/api/forums/${forum.id}/moderation`);
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain(asker.user.displayName);
      expect(await auditCount(who.user.id, forum.id)).toBe(0);
    }
    void talkA;
    for (const s of [h.socket, screen.socket, a.socket, p.socket, q.socket]) s.close();
  });

  it("an answer note (现场问政) is one line, bounded, kept, and replaceable", async () => {
    const { forum, host } = await setupForum(server);
    const h = await joinForum(server, host.client, forum.id);
    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" })).ok).toBe(true);
    const asked = await emitAck(h.socket, "forum:ask", {
      forumId: forum.id,
      text: "停车位怎么分配？",
      clientId: clientId(),
    });
    const questionId = asked.question.id;
    const answer = (note: string) =>
      emitAck(h.socket, "forum:moderate", { forumId: forum.id, questionId, action: "answered", note });
    expect((await answer("第一行\n第二行")).error.code).toBe("invalid_input");
    expect((await answer("长".repeat(201))).error.code).toBe("too_large");
    expect((await answer("按楼栋抽签")).question).toMatchObject({ status: "answered", answerNote: "按楼栋抽签" });
    expect((await answer("按楼栋抽签，下月公示")).question.answerNote).toBe("按楼栋抽签，下月公示");
    const again = await emitAck(h.socket, "forum:join", { forumId: forum.id });
    expect(again.state.questions[0].answerNote).toBe("按楼栋抽签，下月公示");
    h.socket.close();
  });
});
