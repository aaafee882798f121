import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../shared/errors.ts";
import type { ForumQuestion } from "../shared/forums.ts";
import { countRows } from "../server/yjs/persistence.ts";
import { connectDoc, createUser, emitAck, eventually, nextEvent, waitForSync } from "./helpers/clients.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { clientId, joinForum, setupForum } from "./forums/helpers.ts";
import { addMember, ownerWithProposal, sectionText } from "./proposals/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("authority is re-read when it changes (finding 4)", () => {
  it("a demoted admin's open socket can no longer host a forum or a Q&A event; their document closes", async () => {
    const { forum, host, talkA } = await setupForum(server);
    const boss = await createUser(server, { role: "admin" });
    const demoted = await createUser(server, { role: "admin" });
    const asker = await createUser(server, { role: "resident" });
    const { docName } = await ownerWithProposal(server);

    expect(
      (
        await emitAck((await joinForum(server, host.client, forum.id)).socket, "forum:control", {
          forumId: forum.id,
          action: "start",
        })
      ).ok,
    ).toBe(true);
    const d = await joinForum(server, demoted.client, forum.id);
    const q = await joinForum(server, asker.client, forum.id);
    expect((await emitAck(d.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 2 })).ok).toBe(true);
    const qaEvent = await demoted.client.post("/api/qa/events", {
      title: "季度老书记论坛",
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(qaEvent.status).toBe(201);
    // an admin reads any proposal: the demoted admin has it open
    const doc = connectDoc(server, demoted.client, docName);
    await waitForSync(doc.provider);
    const docClosed = new Promise<number>((resolve) =>
      doc.provider.on("connection-close", (e: CloseEvent | null) => resolve(e?.code ?? 0)),
    );

    const started = Date.now();
    expect((await boss.client.patch(`/api/users/${demoted.user.id}`, { role: "worker" })).status).toBe(200);
    expect(await docClosed).toBe(CLOSE_CODES.forbidden);
    const slide = await emitAck(d.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 3 });
    expect(slide.error?.code).toBe("forbidden");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(
      (await emitAck(d.socket, "qa:control", { eventId: qaEvent.body.event.id, action: "start" })).error?.code,
    ).toBe("forbidden");

    const seen = nextEvent<ForumQuestion>(d.socket, "forum:question");
    expect(
      (
        await emitAck(q.socket, "forum:ask", {
          forumId: forum.id,
          text: "谁来管楼道灯？",
          anonymous: true,
          clientId: clientId(),
        })
      ).ok,
    ).toBe(true);
    const question = await seen;
    expect(question.author).toBeNull();
    expect(JSON.stringify(question)).not.toContain(asker.user.id);
    doc.provider.destroy();
    for (const s of [d.socket, q.socket]) s.close();
  });

  it("an editor made a viewer while the document is open can no longer write; made an editor again, they can", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const member = await addMember(server, owner, proposal.id, "editor");
    const watcher = connectDoc(server, owner.client, docName);
    const m = connectDoc(server, member.client, docName);
    await Promise.all([waitForSync(watcher.provider), waitForSync(m.provider)]);
    sectionText(m.doc, "服务对象").insert(0, "编辑时写的");
    await eventually(() => sectionText(watcher.doc, "服务对象").toString().startsWith("编辑时写的"));

    expect(
      (await owner.client.post(`/api/proposals/${proposal.id}/members`, { userId: member.user.id, role: "viewer" }))
        .status,
    ).toBe(200);
    await server.ctx.yjs.settled();
    const rows = await countRows(server.ctx.db, docName);
    sectionText(m.doc, "服务对象").insert(0, "降级后写的");
    await new Promise((r) => setTimeout(r, 500));
    await server.ctx.yjs.settled();
    expect(sectionText(watcher.doc, "服务对象").toString()).not.toContain("降级后写的");
    expect(await countRows(server.ctx.db, docName)).toBe(rows);

    // Made an editor again: a fresh connection (the editor reconnects when its role changes) writes.
    expect(
      (await owner.client.post(`/api/proposals/${proposal.id}/members`, { userId: member.user.id, role: "editor" }))
        .status,
    ).toBe(200);
    m.provider.destroy();
    const again = connectDoc(server, member.client, docName);
    await waitForSync(again.provider);
    sectionText(again.doc, "项目目标").insert(0, "恢复后写的");
    await eventually(() => sectionText(watcher.doc, "项目目标").toString().includes("恢复后写的"));
    watcher.provider.destroy();
    again.provider.destroy();
  });

  it("a socket's user is the fresh row after a role change (a worker made admin may host, and opens the moderation view)", async () => {
    const { forum } = await setupForum(server);
    const boss = await createUser(server, { role: "admin" });
    const promoted = await createUser(server, { role: "worker" });
    const asker = await createUser(server, { role: "resident" });
    const p = await joinForum(server, promoted.client, forum.id);
    const q = await joinForum(server, asker.client, forum.id);
    expect((await promoted.client.get(`/api/forums/${forum.id}/moderation`)).status).toBe(403);
    expect((await boss.client.patch(`/api/users/${promoted.user.id}`, { role: "admin" })).status).toBe(200);
    expect(
      (
        await emitAck(q.socket, "forum:ask", {
          forumId: forum.id,
          text: "社区食堂怎么办？",
          anonymous: true,
          clientId: clientId(),
        })
      ).ok,
    ).toBe(true);
    // the same open socket, joining again, now gets a host's snapshot — still without anonymous names
    const again = await emitAck(p.socket, "forum:join", { forumId: forum.id });
    expect(again.state.viewer).toMatchObject({ isHost: true, reviewsAuthors: true });
    expect(again.state.questions.find((x: ForumQuestion) => x.text === "社区食堂怎么办？")?.author).toBeNull();
    // the name is only in the (audited) moderation view
    const moderation = await promoted.client.get(`/api/forums/${forum.id}/moderation`);
    expect(moderation.body.questions.find((x: ForumQuestion) => x.text === "社区食堂怎么办？")?.author?.id).toBe(
      asker.user.id,
    );
    p.socket.close();
    q.socket.close();
  });
});
