import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BallotScores, Scoreboard } from "../../shared/forums.ts";
import { createUser, emitAck, eventually } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { DEFAULT_GROUPS } from "../../shared/forums.ts";
import { clientId, collect, hallGuest, joinForum, setupForum } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const all = (n: number): BallotScores => ({
  service: n,
  mobilization: n,
  deliberation: n,
  projectOps: n,
  coordination: n,
  innovation: n,
  overall: n,
});

describe("群众考书记 scoring", () => {
  it("one ballot per voter per talk, changeable while open, frozen after close", async () => {
    const { forum, host, presenterA, talkA } = await setupForum(server, { mode: "examination" });
    const h = await joinForum(server, host.client, forum.id);
    const r = await hallGuest(server, host.client, forum.id);
    const resident = { user: { id: r.guest.id } };
    const p = await joinForum(server, presenterA.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });

    expect(
      await emitAck(r.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(4) }),
    ).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(
      await emitAck(r.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "open" }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const opened = await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "open" });
    expect(opened.scoreboard).toMatchObject({ roundStatus: "open", ballots: 0, total: null });
    // listening before the ballots: the coalesced push may leave before a slow ack returns
    const boards = collect<Scoreboard>(h.socket, "forum:scoreboard");
    expect((await emitAck(r.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(2) })).ok).toBe(
      true,
    );
    expect((await emitAck(r.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(5) })).ok).toBe(
      true,
    );
    expect(
      await emitAck(p.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(5) }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(
      await emitAck(r.socket, "forum:score", {
        forumId: forum.id,
        talkId: talkA.id,
        scores: { ...all(3), overall: 6 },
      }),
    ).toMatchObject({ ok: false, error: { code: "invalid_input" } });

    await eventually(() => boards.at(-1)?.ballots === 1 && boards.at(-1)!.total === 5, 10_000);
    expect(boards.at(-1)!.total).toBe(5); // the changed ballot replaced the first one
    expect(JSON.stringify(boards)).not.toContain(resident.user.id); // aggregates only

    const closed = await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "close" });
    expect(closed.scoreboard).toMatchObject({ roundStatus: "closed", ballots: 1, total: 5 });
    expect(
      await emitAck(r.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(1) }),
    ).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(
      await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "open" }),
    ).toMatchObject({ ok: false, error: { code: "conflict" } });
    const rejoin = await emitAck(r.socket, "forum:join", { forumId: forum.id });
    expect(rejoin.state.scoreboards).toEqual([closed.scoreboard]);
    expect(rejoin.state.myBallots[talkA.id]).toEqual(all(5));
    for (const s of [h.socket, r.socket, p.socket]) s.close();
  });

  it("the scoreboard weights group means by the forum's weights", async () => {
    const groups = DEFAULT_GROUPS.map((g) => ({ ...g, weight: g.id === "party" ? 2 : 1 }));
    const { forum, host, talkA } = await setupForum(server, { mode: "examination", groups, peerScoring: true });
    const secretary = await createUser(server, { role: "secretary", partyMember: true });
    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "open" });
    const marks = [all(5), all(3), all(2), { ...all(4), overall: 5 }];
    const voters = [
      () => hallGuest(server, host.client, forum.id, "public"),
      () => hallGuest(server, host.client, forum.id, "public"),
      () => hallGuest(server, host.client, forum.id, "party"),
      () => joinForum(server, secretary.client, forum.id),
    ];
    for (const [i, join] of voters.entries()) {
      const j = await join();
      expect(j.state.viewer.scoreGroup).toBe(["public", "public", "party", "secretaries"][i]);
      expect(
        (await emitAck(j.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: marks[i] })).ok,
      ).toBe(true);
      j.socket.close();
    }
    const seen = collect<Scoreboard>(h.socket, "forum:scoreboard");
    const { scoreboard } = await emitAck(h.socket, "forum:round", {
      forumId: forum.id,
      talkId: talkA.id,
      action: "close",
    });
    await eventually(() => seen.some((b) => b.roundStatus === "closed"));
    expect(seen.find((b) => b.roundStatus === "closed")).toEqual(scoreboard);
    const group = (g: string) => scoreboard.groups.find((x: { group: string }) => x.group === g);
    // 群众代表 mean 4, 党员代表 2, 同行书记 4 (overall 5); 居民代表 and 列席企业代表 cast none
    expect(group("public")).toMatchObject({
      name: "群众代表",
      ballots: 2,
      weight: 1,
      byMechanism: { printed: 2, venue: 0, account: 0 },
      means: { service: 4, overall: 4 },
    });
    expect(group("party")).toMatchObject({ name: "党员代表", ballots: 1, weight: 2, means: { service: 2 } });
    expect(group("secretaries")).toMatchObject({
      name: "同行书记",
      ballots: 1,
      weight: 1,
      byMechanism: { account: 1 },
      means: { service: 4, overall: 5 },
    });
    expect(group("enterprise")).toMatchObject({ ballots: 0, means: null });
    // service: (1·4 + 2·2 + 1·4) / 4 = 3; overall: (4 + 4 + 5) / 4 = 3.25; total = (6·3 + 3.25) / 7
    expect(scoreboard.weighted.service).toBe(3);
    expect(scoreboard.weighted.overall).toBe(3.25);
    expect(scoreboard.total).toBe(Math.round(((6 * 3 + 3.25) / 7) * 100) / 100);
    expect(scoreboard.ballots).toBe(4);
    h.socket.close();
  });

  it("the host changes the weights and the live scoreboard follows; others may not", async () => {
    const { forum, host, presenterA, talkA } = await setupForum(server, { mode: "examination" });
    const url = `/api/forums/${forum.id}/groups`;
    const weighted = (w: Record<string, number>) => DEFAULT_GROUPS.map((g) => ({ ...g, weight: w[g.id] ?? 1 }));
    expect((await presenterA.client.request("PUT", url, { groups: DEFAULT_GROUPS, peerScoring: false })).status).toBe(
      403,
    );
    expect(
      (
        await host.client.request("PUT", url, {
          groups: weighted({ party: 0, residentReps: 0, enterprise: 0, public: 0, secretaries: 0 }),
          peerScoring: false,
        })
      ).status,
    ).toBe(400);
    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "open" });
    for (const [group, n] of [
      ["public", 5],
      ["party", 2],
    ] as const) {
      const j = await hallGuest(server, host.client, forum.id, group);
      await emitAck(j.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(n) });
      j.socket.close();
    }
    // a group that codes were printed for can't be removed
    expect(
      (
        await host.client.request("PUT", url, {
          groups: DEFAULT_GROUPS.filter((g) => g.id !== "party"),
          peerScoring: false,
        })
      ).status,
    ).toBe(409);
    const res = await host.client.request("PUT", url, {
      groups: weighted({ public: 3, party: 1 }),
      peerScoring: false,
    });
    expect(res.status).toBe(200);
    const { scoreboard } = await emitAck(h.socket, "forum:round", {
      forumId: forum.id,
      talkId: talkA.id,
      action: "close",
    });
    expect(scoreboard.total).toBe((3 * 5 + 1 * 2) / 4); // 4.25
    h.socket.close();
  });

  it("the host jumps to a talk out of order; moving on freezes the open round", async () => {
    const { forum, host, talkA, talkB } = await setupForum(server, { mode: "examination" });
    const h = await joinForum(server, host.client, forum.id);
    const started = await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start", talkId: talkB.id });
    expect(started.forum.currentTalkId).toBe(talkB.id);
    await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkB.id, action: "open" });
    const back = await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "next", talkId: talkA.id });
    expect(back.forum.currentTalkId).toBe(talkA.id);
    expect(back.forum.talks.find((t: { id: string }) => t.id === talkB.id).roundStatus).toBe("closed");
    expect(await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" })).toMatchObject({
      ok: false,
      error: { code: "conflict" },
    });
    h.socket.close();
  });

  it("scoring exists only in examination mode", async () => {
    const { forum, host, talkA } = await setupForum(server, { mode: "forum" });
    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    expect(
      await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "open" }),
    ).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    h.socket.close();
  });
});

describe("archive", () => {
  it("after the end holds agenda, questions with their state, chat and frozen scores, with Markdown and CSV exports", async () => {
    const { forum, host, talkA, talkB } = await setupForum(server, { mode: "examination" });
    const admin = await createUser(server, { role: "admin" });
    const resident = await createUser(server, { role: "resident", displayName: "居民钱女士" });
    const h = await joinForum(server, host.client, forum.id);
    const r = await joinForum(server, resident.client, forum.id);
    expect((await host.client.get(`/api/forums/${forum.id}/archive`)).status).toBe(409);

    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    await emitAck(r.socket, "forum:chat", { forumId: forum.id, text: "现场气氛很好", clientId: clientId() });
    const q1 = await emitAck(r.socket, "forum:ask", {
      forumId: forum.id,
      text: "垃圾分类怎么落实？",
      anonymous: true,
      clientId: clientId(),
    });
    const q2 = await emitAck(r.socket, "forum:ask", { forumId: forum.id, text: "被拒绝的问题", clientId: clientId() });
    await emitAck(h.socket, "forum:moderate", { forumId: forum.id, questionId: q1.question.id, action: "approve" });
    await emitAck(h.socket, "forum:moderate", { forumId: forum.id, questionId: q1.question.id, action: "answered" });
    await emitAck(h.socket, "forum:moderate", { forumId: forum.id, questionId: q2.question.id, action: "dismiss" });
    await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "open" });
    // a signed-in resident does not score: the hall scores with ballot codes
    expect(
      await emitAck(r.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(1) }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const g = await hallGuest(server, host.client, forum.id, "public");
    expect((await emitAck(g.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(4) })).ok).toBe(
      true,
    );
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "next" }); // closes talk A's round
    await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkB.id, action: "open" });
    expect((await emitAck(g.socket, "forum:score", { forumId: forum.id, talkId: talkB.id, scores: all(3) })).ok).toBe(
      true,
    );
    const ended = await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "end" });
    expect(ended.forum.status).toBe("ended");
    expect(ended.forum.talks.map((t: { roundStatus: string }) => t.roundStatus)).toEqual(["closed", "closed"]);
    expect(
      await emitAck(r.socket, "forum:chat", { forumId: forum.id, text: "还能说话吗", clientId: clientId() }),
    ).toMatchObject({ ok: false, error: { code: "read_only" } });

    const peerView = await resident.client.get(`/api/forums/${forum.id}/archive`);
    expect(peerView.status).toBe(200);
    const archive = peerView.body.archive;
    expect(archive.forum.talks.map((t: { title: string }) => t.title)).toEqual(["第一个发言", "第二个发言"]);
    expect(archive.chat.map((m: { text: string }) => m.text)).toEqual(["现场气氛很好"]);
    expect(archive.questions.map((q: { text: string; status: string }) => [q.text, q.status])).toEqual([
      ["垃圾分类怎么落实？", "answered"],
    ]);
    expect(archive.scoreboards.map((b: Scoreboard) => [b.talkId, b.roundStatus, b.total])).toEqual([
      [talkA.id, "closed", 4],
      [talkB.id, "closed", 3],
    ]);
    const hostView = (await host.client.get(`/api/forums/${forum.id}/archive`)).body.archive;
    expect(hostView.questions.map((q: { status: string }) => q.status)).toEqual(["answered", "dismissed"]);
    expect(hostView.questions[0].author).toBeNull();
    const adminView = (await admin.client.get(`/api/forums/${forum.id}/archive`)).body.archive;
    // an admin's archive is no different: the name is only in the audited moderation view
    expect(adminView.questions[0].author).toBeNull();
    expect(JSON.stringify(adminView.questions[0])).not.toContain("居民钱女士");

    const peer = await createUser(server, { role: "worker" });
    const md = await peer.client.get(`/api/forums/${forum.id}/archive?format=md`);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(md.body).toContain("# 测试论坛");
    expect(md.body).toContain("【已回答】垃圾分类怎么落实？ —— 匿名");
    expect(md.body).not.toContain("垃圾分类怎么落实？ —— 居民钱女士");
    expect(md.body).toContain("现场气氛很好");
    expect(md.body).toContain("加权总分 4");
    expect(md.body).toContain("- 群众代表（权重 1）：1 份（纸质选票码 1，现场扫码 0，账号 0），平均分 4");
    const csv = await resident.client.get(`/api/forums/${forum.id}/archive?format=csv`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = (csv.body as string)
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(rows[0]).toBe(
      "发言,发言人,群体,权重,评分份数,纸质选票码份数,现场扫码份数,账号份数,为民服务力,居民动员力,协商议事力,项目运营力,统筹协调力,治理创新力,总体评价,平均分,加权总分",
    );
    expect(rows).toContain(`第一个发言,${talkA.presenterName},加权结果,,1,1,0,0,4,4,4,4,4,4,4,,4`);
    expect(rows).toContain(`第一个发言,${talkA.presenterName},群众代表,1,1,1,0,0,4,4,4,4,4,4,4,4,`);
    expect(rows).toHaveLength(1 + 2 * 6);
    for (const s of [h.socket, r.socket]) s.close();
  });
});
