import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import {
  ApiClient,
  connectDoc,
  connectSocket,
  createUser,
  emitAck,
  eventually,
  nextEvent,
  waitForSync,
} from "../helpers/clients.ts";
import { docUpdates } from "../../server/yjs/schema.ts";
import { twoProcesses } from "./setup.ts";

const procs = twoProcesses();

/** The same signed-in person, talking to process B instead of A (as a load balancer would route them). */
function viaB(client: ApiClient): ApiClient {
  const other = new ApiClient(procs.b.url);
  other.cookie = client.cookie;
  return other;
}

describe("features across two processes", () => {
  it("a slide change made on A reaches a viewer on B", async () => {
    const host = await createUser(procs.onA, { role: "secretary" });
    const viewer = await createUser(procs.onA);
    const created = await host.client.post("/api/forums", {
      title: "跨进程书记论坛",
      mode: "forum",
      startsAt: new Date().toISOString(),
      talks: [{ title: "五星社区的议事会", presenterId: host.user.id }],
    });
    expect(created.status).toBe(201);
    const forumId = created.body.forum.id;
    const talkId = created.body.forum.talks[0].id;

    const hostSocket = await connectSocket(procs.onA, host.client);
    const viewerSocket = await connectSocket(procs.onB, viaB(viewer.client));
    expect((await emitAck(hostSocket, "forum:join", { forumId })).ok).toBe(true);
    expect((await emitAck(hostSocket, "forum:control", { forumId, action: "start" })).ok).toBe(true);
    expect((await emitAck(viewerSocket, "forum:join", { forumId })).ok).toBe(true);

    // Presence counts the people on both processes, by role.
    await eventually(async () => {
      const joined = await emitAck(hostSocket, "forum:join", { forumId });
      return joined.state.presence.count === 2 && joined.state.presence.byRole.secretary === 1;
    });

    const slide = nextEvent(viewerSocket, "forum:slide");
    expect((await emitAck(hostSocket, "forum:slide", { forumId, talkId, slide: 3 })).ok).toBe(true);
    expect(await slide).toMatchObject({ forumId, talkId, slide: 3 });
    hostSocket.close();
    viewerSocket.close();
  });

  it("studio messages sent through both processes keep one gap-free order with no duplicates", async () => {
    const admin = await createUser(procs.onA, { role: "admin" });
    const mentor = await createUser(procs.onA, { role: "mentor" });
    const menteeA = await createUser(procs.onA, { role: "secretary" });
    const menteeB = await createUser(procs.onA, { role: "secretary" });
    const created = await admin.client.post("/api/studios", {
      name: "跨进程工作室",
      mentorId: mentor.user.id,
      menteeIds: [menteeA.user.id, menteeB.user.id],
    });
    expect(created.status).toBe(201);
    const studioId = created.body.studio.id;

    const onA = await connectSocket(procs.onA, mentor.client);
    const onB = await connectSocket(procs.onB, viaB(menteeA.client));
    const watcher = await connectSocket(procs.onB, viaB(menteeB.client));
    for (const socket of [onA, onB, watcher])
      expect((await emitAck(socket, "studio:join", { studioId, lastSeq: 0 })).ok).toBe(true);

    const seen: number[] = [];
    watcher.on("studio:message", ({ message }) => seen.push(message.seq));
    const sends = Array.from({ length: 40 }, (_, i) =>
      emitAck(i % 2 === 0 ? onA : onB, "studio:send", {
        studioId,
        text: `第${i}条`,
        clientId: `scale-${studioId}-${i}`,
      }),
    );
    // One retry of an already sent message must not add a line.
    sends.push(emitAck(onB, "studio:send", { studioId, text: "第1条", clientId: `scale-${studioId}-1` }));
    const acks = await Promise.all(sends);
    expect(acks.every((a) => a.ok)).toBe(true);
    const seqs = acks
      .slice(0, 40)
      .map((a) => a.message.seq)
      .sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(acks[40].message.seq).toBe(acks[1].message.seq);

    await eventually(() => seen.length >= 40);
    expect([...seen].sort((x, y) => x - y)).toEqual(seqs);
    const history = await menteeB.client.get(`/api/studios/${studioId}/messages?limit=100`);
    expect(history.body.messages.map((m: { seq: number }) => m.seq)).toEqual(seqs);
    for (const socket of [onA, onB, watcher]) socket.close();
  });

  it("two editors on different processes converge and see each other's carets", async () => {
    const owner = await createUser(procs.onA, { role: "secretary", communityId: "wuxing" });
    const editor = await createUser(procs.onA, { role: "secretary", communityId: "wuxing" });
    const created = await owner.client.post("/api/proposals", { title: "跨进程协同项目", communityId: "wuxing" });
    expect(created.status).toBe(201);
    const id = created.body.proposal.id;
    expect(
      (await owner.client.post(`/api/proposals/${id}/members`, { userId: editor.user.id, role: "editor" })).status,
    ).toBe(200);

    const a = connectDoc(procs.onA, owner.client, `proposal:${id}`);
    const b = connectDoc(procs.onB, viaB(editor.client), `proposal:${id}`);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
    a.provider.awareness.setLocalStateField("user", { name: "甲", color: "#c00" });
    b.provider.awareness.setLocalStateField("user", { name: "乙", color: "#00c" });

    a.doc.getText("scale").insert(0, "进程A写的");
    b.doc.getText("scale").insert(0, "进程B写的");
    await eventually(
      () =>
        a.doc.getText("scale").toString() === b.doc.getText("scale").toString() && a.doc.getText("scale").length === 10,
    );
    const names = (awareness: Awareness) =>
      [...awareness.getStates().values()]
        .map((s) => s.user?.name)
        .filter(Boolean)
        .sort();
    // Each sees its own local state as set, and the other's under the name the server stamps from the session.
    const expectA = ["甲", editor.user.displayName].sort().join();
    const expectB = ["乙", owner.user.displayName].sort().join();
    await eventually(
      () => names(a.provider.awareness).join() === expectA && names(b.provider.awareness).join() === expectB,
    );
    a.provider.destroy();
    b.provider.destroy();
  });
});

describe("a process going away", () => {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    it(`after ${signal} on one process, its clients reconnect to the other and lose nothing acknowledged`, async () => {
      const { startServerProcess } = await import("../helpers/processes.ts");
      // A third process plays the part of "A" so the suite's two stay up for the other tests.
      const doomed = await startServerProcess({
        DATABASE_URL: process.env.DATABASE_URL!,
        REDIS_URL: process.env.REDIS_URL!,
      });
      const onDoomed = { url: doomed.url, port: doomed.port, ctx: procs.onA.ctx };
      try {
        const admin = await createUser(procs.onA, { role: "admin" });
        const mentor = await createUser(procs.onA, { role: "mentor", communityId: "wuxing" });
        const m1 = await createUser(procs.onA, { role: "secretary", communityId: "wuxing" });
        const m2 = await createUser(procs.onA, { role: "secretary" });
        const studioId = (
          await admin.client.post("/api/studios", {
            name: `断线${signal}`,
            mentorId: mentor.user.id,
            menteeIds: [m1.user.id, m2.user.id],
          })
        ).body.studio.id;
        const proposalId = (
          await m1.client.post("/api/proposals", { title: `断线项目${signal}`, communityId: "wuxing" })
        ).body.proposal.id;
        await m1.client.post(`/api/proposals/${proposalId}/members`, { userId: mentor.user.id, role: "editor" });

        // The mentor works through the doomed process; the mentee watches through B.
        const mentorClient = new ApiClient(doomed.url);
        mentorClient.cookie = mentor.client.cookie;
        const socket = await connectSocket(onDoomed, mentorClient);
        expect((await emitAck(socket, "studio:join", { studioId, lastSeq: 0 })).ok).toBe(true);
        const acked: number[] = [];
        for (let i = 0; i < 10; i++) {
          const ack = await emitAck(socket, "studio:send", {
            studioId,
            text: `消息${i}`,
            clientId: `${signal}-${studioId}-${i}`,
          });
          if (ack.ok) acked.push(ack.message.seq);
        }
        const editing = connectDoc(onDoomed, mentorClient, `proposal:${proposalId}`);
        const watching = connectDoc(procs.onB, viaB(m1.client), `proposal:${proposalId}`);
        await Promise.all([waitForSync(editing.provider), waitForSync(watching.provider)]);
        editing.doc.getText("crash").insert(0, "崩溃前写下的字");
        // Seen by the watcher on B means relayed, which means stored.
        await eventually(() => watching.doc.getText("crash").toString() === "崩溃前写下的字");

        await doomed.stop(signal);
        editing.provider.destroy();
        socket.close();

        // The same people come back through B.
        const again = await connectSocket(procs.onB, viaB(mentor.client));
        const join = await emitAck(again, "studio:join", { studioId, lastSeq: 0 });
        expect(join.ok).toBe(true);
        const replayed = join.messages.map((m: { seq: number }) => m.seq);
        expect(replayed).toEqual(acked);
        expect(new Set(replayed).size).toBe(replayed.length);
        again.close();

        const reopened = connectDoc(procs.onB, viaB(mentor.client), `proposal:${proposalId}`, new Y.Doc());
        await waitForSync(reopened.provider);
        expect(reopened.doc.getText("crash").toString()).toBe("崩溃前写下的字");
        reopened.provider.destroy();
        watching.provider.destroy();
      } finally {
        await doomed.stop("SIGKILL");
      }
    });
  }

  it("a document both processes folded while its editors typed on each opens whole", async () => {
    const owner = await createUser(procs.onA, { role: "secretary", communityId: "wuxing" });
    const editor = await createUser(procs.onA, { role: "secretary", communityId: "wuxing" });
    const id = (await owner.client.post("/api/proposals", { title: "跨进程压缩", communityId: "wuxing" })).body.proposal
      .id;
    await owner.client.post(`/api/proposals/${id}/members`, { userId: editor.user.id, role: "editor" });
    const docName = `proposal:${id}`;
    const a = connectDoc(procs.onA, owner.client, docName);
    const b = connectDoc(procs.onB, viaB(editor.client), docName);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);

    // past one fold's worth of rows on each process (500): one keystroke per turn, mostly each its own
    // commit, with room for a busy server reading two or three in one turn
    const KEYS = 1_200;
    for (let i = 0; i < KEYS; i++) {
      a.doc.getText("fold").insert(0, "甲");
      b.doc.getText("fold").insert(0, "乙");
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await eventually(
      () => a.doc.getText("fold").length === 2 * KEYS && b.doc.getText("fold").length === 2 * KEYS,
      20_000,
    );
    a.provider.destroy();
    b.provider.destroy();

    // a fold may still be committing as the last editor leaves
    const storedRows = () =>
      procs.database.db
        .select({ compacted: docUpdates.compacted })
        .from(docUpdates)
        .where(eq(docUpdates.docName, docName));
    await eventually(async () => (await storedRows()).filter((row) => row.compacted).length >= 2, 10_000);
    expect((await storedRows()).length).toBeLessThan(2 * KEYS);
    for (const on of [procs.onA, procs.onB]) {
      const fresh = connectDoc(on, on === procs.onA ? owner.client : viaB(owner.client), docName, new Y.Doc());
      await waitForSync(fresh.provider);
      const text = fresh.doc.getText("fold").toString();
      expect([text.length, [...text].filter((c) => c === "甲").length]).toEqual([2 * KEYS, KEYS]);
      fresh.provider.destroy();
    }
  });
});
