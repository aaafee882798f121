import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Forum } from "../../shared/forums.ts";
import { createUser, emitAck, nextEvent } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { collect, joinForum, setupForum } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const titles = (forum: Forum) => forum.talks.map((t) => [t.position, t.title]);

describe("the host fixes the agenda before the start", () => {
  it("edits the forum and a talk; everyone in the room sees it; others are refused", async () => {
    const { forum, host, presenterA, presenterB, talkA } = await setupForum(server);
    const viewer = await createUser(server, { role: "resident" });
    const v = await joinForum(server, viewer.client, forum.id);
    const seen = nextEvent<{ forum: Forum }>(v.socket, "forum:state");

    const edited = await host.client.patch(`/api/forums/${forum.id}`, {
      title: "改过的论坛",
      mode: "examination",
      theme: null,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.forum).toMatchObject({ title: "改过的论坛", mode: "examination", theme: null });
    expect((await seen).forum.title).toBe("改过的论坛");

    const talk = await host.client.patch(`/api/forums/${forum.id}/talks/${talkA.id}`, {
      title: "新题目",
      presenterId: presenterB.user.id,
      plannedMinutes: null,
    });
    expect(talk.status).toBe(200);
    expect(talk.body.talk).toMatchObject({ title: "新题目", presenterId: presenterB.user.id, plannedMinutes: null });

    expect((await presenterA.client.patch(`/api/forums/${forum.id}`, { title: "夺权" })).status).toBe(403);
    expect((await viewer.client.patch(`/api/forums/${forum.id}/talks/${talkA.id}`, { title: "夺权" })).status).toBe(
      403,
    );
    expect((await host.client.patch(`/api/forums/${forum.id}/talks/${talkA.id}`, {})).status).toBe(400);
    expect(
      (
        await host.client.patch(`/api/forums/${forum.id}/talks/${talkA.id}`, {
          presenterId: "00000000-0000-4000-8000-000000000000",
        })
      ).status,
    ).toBe(400);
    v.socket.close();
  });

  it("reorders the talks (exactly the agenda's talks) and deletes one; positions stay 1…n", async () => {
    const { forum, host, presenterA, talkA, talkB } = await setupForum(server);
    const third = await host.client.post(`/api/forums/${forum.id}/talks`, {
      title: "第三个发言",
      presenterId: presenterA.user.id,
    });
    const talkC = third.body.talk;

    const order = await host.client.request("PUT", `/api/forums/${forum.id}/talks/order`, {
      talkIds: [talkC.id, talkA.id, talkB.id],
    });
    expect(order.status).toBe(200);
    expect(titles(order.body.forum)).toEqual([
      [1, "第三个发言"],
      [2, "第一个发言"],
      [3, "第二个发言"],
    ]);

    const missing = await host.client.request("PUT", `/api/forums/${forum.id}/talks/order`, {
      talkIds: [talkA.id, talkB.id],
    });
    expect(missing.status).toBe(400);
    const twice = await host.client.request("PUT", `/api/forums/${forum.id}/talks/order`, {
      talkIds: [talkA.id, talkA.id, talkB.id],
    });
    expect(twice.status).toBe(400);
    expect(
      (
        await presenterA.client.request("PUT", `/api/forums/${forum.id}/talks/order`, {
          talkIds: [talkA.id, talkB.id, talkC.id],
        })
      ).status,
    ).toBe(403);

    const removed = await host.client.delete(`/api/forums/${forum.id}/talks/${talkA.id}`);
    expect(removed.status).toBe(200);
    expect(titles(removed.body.forum)).toEqual([
      [1, "第三个发言"],
      [2, "第二个发言"],
    ]);
    expect((await host.client.delete(`/api/forums/${forum.id}/talks/${talkA.id}`)).status).toBe(404);
  });

  it("deletes a forum that has not started; the room hears of it; the forum is gone", async () => {
    const { forum, host, presenterA } = await setupForum(server);
    const p = await joinForum(server, presenterA.client, forum.id);
    const gone = nextEvent<{ forumId: string }>(p.socket, "forum:deleted");
    expect((await presenterA.client.delete(`/api/forums/${forum.id}`)).status).toBe(403);
    expect((await host.client.delete(`/api/forums/${forum.id}`)).status).toBe(200);
    expect((await gone).forumId).toBe(forum.id);
    expect((await host.client.get(`/api/forums/${forum.id}`)).status).toBe(404);
    p.socket.close();
  });
});

describe("after the start only talks not yet given can change", () => {
  it("live: the next talk is editable; the talk on stage, deletes, reorders and the forum are not", async () => {
    const { forum, host, presenterA, talkA, talkB } = await setupForum(server);
    const h = await joinForum(server, host.client, forum.id);
    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" })).ok).toBe(true);

    const onStage = await host.client.patch(`/api/forums/${forum.id}/talks/${talkA.id}`, { title: "改正在进行的" });
    expect(onStage.status).toBe(409);
    expect(onStage.body.error.message).toContain("不能再修改");
    const upcoming = await host.client.patch(`/api/forums/${forum.id}/talks/${talkB.id}`, {
      title: "还没讲的可以改",
      capability: "innovation",
    });
    expect(upcoming.status).toBe(200);
    expect(upcoming.body.talk).toMatchObject({ title: "还没讲的可以改", capability: "innovation" });

    expect((await host.client.patch(`/api/forums/${forum.id}`, { title: "开始后不能改" })).status).toBe(409);
    expect((await host.client.delete(`/api/forums/${forum.id}/talks/${talkB.id}`)).status).toBe(409);
    expect(
      (await host.client.request("PUT", `/api/forums/${forum.id}/talks/order`, { talkIds: [talkB.id, talkA.id] }))
        .status,
    ).toBe(409);
    expect((await host.client.delete(`/api/forums/${forum.id}`)).status).toBe(409);

    // once given, a talk is history: moving on makes talk A "given" and B "on stage"
    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "next" })).ok).toBe(true);
    expect((await host.client.patch(`/api/forums/${forum.id}/talks/${talkA.id}`, { title: "讲过的" })).status).toBe(
      409,
    );
    expect((await host.client.patch(`/api/forums/${forum.id}/talks/${talkB.id}`, { title: "在讲的" })).status).toBe(
      409,
    );

    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "end" })).ok).toBe(true);
    const ended = await host.client.patch(`/api/forums/${forum.id}/talks/${talkB.id}`, { title: "结束后" });
    expect(ended.status).toBe(403);
    expect(ended.body.error.code).toBe("read_only");
    const current = (await presenterA.client.get(`/api/forums/${forum.id}`)).body.forum as Forum;
    expect(current.talks.map((t) => t.title)).toEqual(["第一个发言", "还没讲的可以改"]);
    h.socket.close();
  });
});

describe("presenter notes", () => {
  it("reach the presenter only: not the host, not an admin, not in any payload", async () => {
    const { forum, host, presenterA, talkA } = await setupForum(server);
    const admin = await createUser(server, { role: "admin" });
    const viewer = await createUser(server, { role: "resident" });
    const url = `/api/forums/${forum.id}/talks/${talkA.id}/notes`;
    const secret = "先讲背景，别提预算超支";

    expect((await presenterA.client.request("PUT", url, { notes: { "1": secret } })).status).toBe(200);
    expect((await presenterA.client.get(url)).body.notes).toEqual({ "1": secret });
    for (const other of [host, admin, viewer]) {
      const read = await other.client.get(url);
      expect(read.status).toBe(403);
      expect(JSON.stringify(read.body)).not.toContain(secret);
      expect((await other.client.request("PUT", url, { notes: { "1": "改掉" } })).status).toBe(403);
    }

    // every push the host and an admin receive while the talk runs, and every snapshot
    const h = await joinForum(server, host.client, forum.id);
    const a = await joinForum(server, admin.client, forum.id);
    const pushes = [...["forum:state", "forum:slide"].flatMap((e) => [collect(h.socket, e), collect(a.socket, e)])];
    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" })).ok).toBe(true);
    expect((await emitAck(h.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 1 })).ok).toBe(true);
    const again = await emitAck(h.socket, "forum:join", { forumId: forum.id });
    const got = [
      h.state,
      a.state,
      again,
      ...pushes,
      (await host.client.get(`/api/forums/${forum.id}`)).body,
      (await admin.client.get("/api/forums")).body,
    ];
    expect(pushes.flat().length).toBeGreaterThan(0);
    expect(JSON.stringify(got)).not.toContain(secret);

    h.socket.close();
    a.socket.close();
  });

  it("are cleared when the talk gets another presenter", async () => {
    const { forum, host, presenterA, talkA } = await setupForum(server);
    const url = `/api/forums/${forum.id}/talks/${talkA.id}/notes`;
    await presenterA.client.request("PUT", url, { notes: { "1": "旧发言人的备注" } });
    const successor = await createUser(server, { role: "secretary" });
    expect(
      (await host.client.patch(`/api/forums/${forum.id}/talks/${talkA.id}`, { presenterId: successor.user.id })).status,
    ).toBe(200);
    const read = await successor.client.get(url);
    expect(read.status).toBe(200);
    expect(read.body.notes).toEqual({});
    expect((await presenterA.client.get(url)).status).toBe(403);
  });
});

describe("scoring groups", () => {
  it("the host (or an admin) sets names, weights and 同行书记 scoring, the room hears of it; after the end they are fixed", async () => {
    const { forum, host, presenterA } = await setupForum(server, { mode: "examination" });
    expect(forum.groups.map((g) => g.name)).toEqual(["党员代表", "居民代表", "列席企业代表", "群众代表", "同行书记"]);
    expect(forum.peerScoring).toBe(false);
    const admin = await createUser(server, { role: "admin" });
    const p = await joinForum(server, presenterA.client, forum.id);
    const url = `/api/forums/${forum.id}/groups`;
    const groups = [
      { id: "party", name: "党员代表", weight: 5 },
      { id: "public", name: "群众代表", weight: 3 },
      { id: "secretaries", name: "同行书记", weight: 2 },
    ];
    const heard = nextEvent<{ forum: Forum }>(p.socket, "forum:state");
    const set = await host.client.request("PUT", url, { groups, peerScoring: true });
    expect(set.status).toBe(200);
    const state = (await heard).forum;
    expect([state.groups, state.peerScoring]).toEqual([groups, true]);
    expect((await admin.client.request("PUT", url, { groups, peerScoring: false })).status).toBe(200);
    expect((await presenterA.client.request("PUT", url, { groups, peerScoring: true })).status).toBe(403);
    expect(
      (await host.client.request("PUT", url, { groups: [{ ...groups[0], weight: -1 }, groups[2]], peerScoring: true }))
        .status,
    ).toBe(400);
    expect(
      (await host.client.request("PUT", url, { groups: [groups[0], groups[0], groups[2]], peerScoring: true })).status,
    ).toBe(400);
    expect((await host.client.request("PUT", url, { groups: groups.slice(0, 2), peerScoring: true })).status).toBe(400);

    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "end" });
    expect((await host.client.request("PUT", url, { groups, peerScoring: true })).status).toBe(403);
    expect((await host.client.get(`/api/forums/${forum.id}`)).body.forum.peerScoring).toBe(false);
    p.socket.close();
    h.socket.close();
  });
});

describe("join origin for the projector's QR", () => {
  it("is null without PUBLIC_ORIGIN and the configured origin with it", async () => {
    const { host } = await setupForum(server);
    expect((await host.client.get("/api/forums/join-origin")).body).toEqual({ publicOrigin: null });
    const configured = await startTestServer({ PUBLIC_ORIGIN: "https://luntan.example.cn/" });
    try {
      const user = await createUser(configured, { role: "resident" });
      expect((await user.client.get("/api/forums/join-origin")).body).toEqual({
        publicOrigin: "https://luntan.example.cn",
      });
    } finally {
      await configured.close();
    }
  });
});
