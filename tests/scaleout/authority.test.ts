import { describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../../shared/errors.ts";
import type { ForumQuestion } from "../../shared/forums.ts";
import {
  ApiClient,
  connectDoc,
  connectSocket,
  createUser,
  emitAck,
  nextEvent,
  waitForSync,
} from "../helpers/clients.ts";
import { twoProcesses } from "./setup.ts";

const procs = twoProcesses();

/** The same signed-in person, as a client of process B. */
function onB(client: ApiClient): ApiClient {
  const b = new ApiClient(procs.b.url);
  b.cookie = client.cookie;
  return b;
}

describe("authority changes reach every process (finding 4)", () => {
  it("an admin demoted through A loses hosting and their document on B within a second", async () => {
    const boss = await createUser(procs.onA, { role: "admin" });
    const demoted = await createUser(procs.onA, { role: "admin" });
    const asker = await createUser(procs.onA, { role: "resident" });
    const secretary = await createUser(procs.onA, { role: "secretary", communityId: "wuxing" });
    const forum = (
      await secretary.client.post("/api/forums", {
        title: "跨进程论坛",
        mode: "forum",
        startsAt: new Date(Date.now() + 3600_000).toISOString(),
        talks: [{ title: "发言", presenterId: secretary.user.id, plannedMinutes: 10 }],
      })
    ).body.forum;
    const proposal = (await secretary.client.post("/api/proposals", { title: "跨进程项目", communityId: "wuxing" }))
      .body.proposal;

    const hostSocket = await connectSocket(procs.onA, secretary.client);
    expect((await emitAck(hostSocket, "forum:join", { forumId: forum.id })).ok).toBe(true);
    expect((await emitAck(hostSocket, "forum:control", { forumId: forum.id, action: "start" })).ok).toBe(true);

    const demotedOnB = onB(demoted.client);
    const d = await connectSocket(procs.onB, demotedOnB);
    expect((await emitAck(d, "forum:join", { forumId: forum.id })).ok).toBe(true);
    expect((await emitAck(d, "forum:slide", { forumId: forum.id, talkId: forum.talks[0].id, slide: 2 })).ok).toBe(true);
    const doc = connectDoc(procs.onB, demotedOnB, `proposal:${proposal.id}`);
    await waitForSync(doc.provider);
    const docClosed = new Promise<number>((resolve) =>
      doc.provider.on("connection-close", (e: CloseEvent | null) => resolve(e?.code ?? 0)),
    );

    expect((await boss.client.patch(`/api/users/${demoted.user.id}`, { role: "worker" })).status).toBe(200);
    const changedAt = Date.now();
    expect(await docClosed).toBe(CLOSE_CODES.forbidden);
    let slide: { ok: boolean; error?: { code: string } } = { ok: true };
    while (Date.now() - changedAt < 1_000 && slide.ok)
      slide = await emitAck(d, "forum:slide", { forumId: forum.id, talkId: forum.talks[0].id, slide: 3 });
    expect(slide.error?.code).toBe("forbidden");

    const q = await connectSocket(procs.onA, asker.client);
    expect((await emitAck(q, "forum:join", { forumId: forum.id })).ok).toBe(true);
    const seen = nextEvent<ForumQuestion>(d, "forum:question");
    expect(
      (
        await emitAck(q, "forum:ask", {
          forumId: forum.id,
          text: "跨进程的匿名提问",
          anonymous: true,
          clientId: `c-${Date.now()}`,
        })
      ).ok,
    ).toBe(true);
    expect((await seen).author).toBeNull();

    doc.provider.destroy();
    for (const s of [hostSocket, d, q]) s.close();
  });

  it("a proposal member removed through A is closed out of the document on B", async () => {
    const owner = await createUser(procs.onA, { role: "secretary", communityId: "wuxing" });
    const member = await createUser(procs.onA, { role: "worker", communityId: "wuxing" });
    const proposal = (await owner.client.post("/api/proposals", { title: "成员变动项目", communityId: "wuxing" })).body
      .proposal;
    expect(
      (await owner.client.post(`/api/proposals/${proposal.id}/members`, { userId: member.user.id, role: "editor" }))
        .status,
    ).toBe(200);
    const doc = connectDoc(procs.onB, onB(member.client), `proposal:${proposal.id}`);
    await waitForSync(doc.provider);
    const closed = new Promise<number>((resolve) =>
      doc.provider.on("connection-close", (e: CloseEvent | null) => resolve(e?.code ?? 0)),
    );
    expect((await owner.client.delete(`/api/proposals/${proposal.id}/members/${member.user.id}`)).status).toBe(200);
    expect(await closed).toBe(CLOSE_CODES.forbidden);
    doc.provider.destroy();
  });
});
