import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BallotScores, Scoreboard } from "../../shared/forums.ts";
import { emitAck, eventually, upgradeStatus } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import {
  clientId,
  collect,
  connectGuestSocket,
  GuestClient,
  hallGuest,
  joinForum,
  printCodes,
  printedGuest,
  setupForum,
} from "./helpers.ts";

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
const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";

/** A live 群众考书记 forum with its host in the room and talk A's round open. */
async function liveExamination(on = server) {
  const setup = await setupForum(on, { mode: "examination" });
  const h = await joinForum(on, setup.host.client, setup.forum.id);
  await emitAck(h.socket, "forum:control", { forumId: setup.forum.id, action: "start" });
  await emitAck(h.socket, "forum:round", { forumId: setup.forum.id, talkId: setup.talkA.id, action: "open" });
  return { ...setup, h };
}

describe("printed ballot codes", () => {
  it("only the host makes codes, for the hall's groups of a 群众考书记 forum", async () => {
    const { forum, host, presenterA } = await setupForum(server, { mode: "examination" });
    expect(
      (await presenterA.client.post(`/api/forums/${forum.id}/ballot-codes`, { group: "public", count: 3 })).status,
    ).toBe(403);
    expect(
      (await host.client.post(`/api/forums/${forum.id}/ballot-codes`, { group: "secretaries", count: 3 })).status,
    ).toBe(400);
    expect(
      (await host.client.post(`/api/forums/${forum.id}/ballot-codes`, { group: "public", count: 501 })).status,
    ).toBe(400);
    const codes = await printCodes(host.client, forum.id, "party", 40);
    expect(new Set(codes).size).toBe(40);
    const listed = await host.client.get(`/api/forums/${forum.id}/ballot-codes`);
    expect(listed.body.codes).toHaveLength(40);
    expect(listed.body.codes.every((c: { group: string; used: boolean }) => c.group === "party" && !c.used)).toBe(true);
    expect((await presenterA.client.get(`/api/forums/${forum.id}/ballot-codes`)).status).toBe(403);
    const plain = await setupForum(server, { mode: "forum" });
    expect(
      (await plain.host.client.post(`/api/forums/${plain.forum.id}/ballot-codes`, { group: "party", count: 1 })).status,
    ).toBe(400);
  });

  it("a code scores each talk once; a new ballot replaces the old while the round is open", async () => {
    const { forum, host, talkA, talkB, h } = await liveExamination();
    const boards = collect<Scoreboard>(h.socket, "forum:scoreboard");
    const g = await hallGuest(server, host.client, forum.id, "residentReps");
    expect(g.state.viewer).toMatchObject({
      isGuest: true,
      isHost: false,
      seesPending: false,
      scoreGroup: "residentReps",
    });
    expect(g.state.chat).toEqual([]);
    expect((await emitAck(g.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(2) })).ok).toBe(
      true,
    );
    expect((await emitAck(g.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(5) })).ok).toBe(
      true,
    );
    await eventually(() => boards.at(-1)?.total === 5, 10_000);
    const group = boards.at(-1)!.groups.find((x) => x.group === "residentReps")!;
    expect(group).toMatchObject({ ballots: 1, byMechanism: { printed: 1, venue: 0, account: 0 } });
    expect(boards.at(-1)!.ballots).toBe(1);
    // talk B's round is not open yet; after it opens, the same code scores it once more
    expect(
      await emitAck(g.socket, "forum:score", { forumId: forum.id, talkId: talkB.id, scores: all(3) }),
    ).toMatchObject({ ok: false, error: { code: "conflict" } });
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "next" });
    expect(
      await emitAck(g.socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(1) }),
    ).toMatchObject({ ok: false, error: { code: "conflict" } });
    await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkB.id, action: "open" });
    expect((await emitAck(g.socket, "forum:score", { forumId: forum.id, talkId: talkB.id, scores: all(3) })).ok).toBe(
      true,
    );
    const rejoin = await emitAck(g.socket, "forum:join", { forumId: forum.id });
    expect(rejoin.state.myBallots).toEqual({ [talkA.id]: all(5), [talkB.id]: all(3) });
    expect(rejoin.state.scoreboards.find((b: Scoreboard) => b.talkId === talkA.id)).toMatchObject({
      roundStatus: "closed",
      ballots: 1,
      total: 5,
    });
    // the same code on a later phone (the first one gone) is the same voter: its ballot is replaced, not added
    g.socket.close();
    await eventually(
      async () => (await new GuestClient(server.url).post("/api/guest/code", { code: g.code })).status === 200,
      5000,
    );
    const again = await printedGuest(server, g.code);
    expect(again.guest.id).toBe(g.guest.id);
    const replaced = await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkB.id, action: "close" });
    expect(replaced.scoreboard.ballots).toBe(1);
    for (const s of [h.socket, again.socket]) s.close();
  });

  it("a code in use on one device is refused on a second device at the same time", async () => {
    const { forum, host, h } = await liveExamination();
    const first = await hallGuest(server, host.client, forum.id);
    const second = new GuestClient(server.url);
    const refused = await second.post("/api/guest/code", { code: first.code.toLowerCase() });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    await expect(connectGuestSocket(server, second)).rejects.toThrow();
    // the first device is still the voter
    expect((await emitAck(first.socket, "forum:vote", { forumId: forum.id, questionId: SAMPLE_ID })).error.code).toBe(
      "not_found",
    );
    for (const s of [h.socket, first.socket]) s.close();
  });

  it("a code is bound to its forum: no other forum's room, ballots or questions", async () => {
    const one = await liveExamination();
    const other = await liveExamination();
    const g = await hallGuest(server, one.host.client, one.forum.id);
    expect(g.guest.forumId).toBe(one.forum.id);
    expect(await emitAck(g.socket, "forum:join", { forumId: other.forum.id })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(
      await emitAck(g.socket, "forum:score", { forumId: other.forum.id, talkId: other.talkA.id, scores: all(4) }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(
      await emitAck(g.socket, "forum:ask", { forumId: other.forum.id, text: "串场提问", clientId: clientId() }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const board = await emitAck(other.h.socket, "forum:round", {
      forumId: other.forum.id,
      talkId: other.talkA.id,
      action: "close",
    });
    expect(board.scoreboard.ballots).toBe(0);
    // a used code names its own forum only; a made-up one opens nothing
    expect((await new GuestClient(server.url).post("/api/guest/code", { code: "ABCDEFGHJK" })).status).toBe(404);
    for (const s of [one.h.socket, other.h.socket, g.socket]) s.close();
  });
});

describe("the venue QR", () => {
  it("caps voters per group under concurrent devices; counts are exact; a device's first group is final", async () => {
    const { forum, host, talkA, h } = await liveExamination();
    expect(
      (await host.client.request("PUT", `/api/forums/${forum.id}/venue`, { caps: { secretaries: 3 } })).status,
    ).toBe(400);
    const set = await host.client.request("PUT", `/api/forums/${forum.id}/venue`, {
      caps: { public: 3, enterprise: 2 },
    });
    expect(set.status).toBe(200);
    const venueCode = set.body.venue.code as string;
    const info = await new GuestClient(server.url).get(`/api/guest/venue/${venueCode}`);
    expect(info.body.venue.groups).toEqual([
      { id: "enterprise", name: "列席企业代表", remaining: 2 },
      { id: "public", name: "群众代表", remaining: 3 },
    ]);

    // ten phones try for 群众代表 at once: exactly three get in
    const phones = Array.from({ length: 10 }, () => new GuestClient(server.url));
    const tries = await Promise.all(phones.map((p) => p.post(`/api/guest/venue/${venueCode}`, { group: "public" })));
    const admitted = tries.filter((r) => r.status === 200);
    expect(admitted).toHaveLength(3);
    expect(tries.filter((r) => r.status === 409)).toHaveLength(7);
    expect((await phones[0]!.post(`/api/guest/venue/${venueCode}`, { group: "party" })).status).toBe(409); // no cap for 党员代表
    const view = await host.client.get(`/api/forums/${forum.id}/ballot-codes`);
    expect(view.body.venue).toMatchObject({ caps: { public: 3, enterprise: 2 }, taken: { public: 3 } });

    // a phone that got in comes back with its device token: same voter, same group, whatever it asks now
    const winner = phones[tries.indexOf(admitted[0]!)]!;
    const first = admitted[0]!.body;
    const back = await winner.post(`/api/guest/venue/${venueCode}`, {
      group: "enterprise",
      deviceToken: first.deviceToken,
    });
    expect(back.body.guest).toMatchObject({ id: first.guest.id, group: "public", mechanism: "venue" });
    expect((await host.client.get(`/api/forums/${forum.id}/ballot-codes`)).body.venue.taken).toEqual({ public: 3 });

    const socket = await connectGuestSocket(server, winner);
    expect((await emitAck(socket, "forum:join", { forumId: forum.id })).state.viewer.scoreGroup).toBe("public");
    expect((await emitAck(socket, "forum:score", { forumId: forum.id, talkId: talkA.id, scores: all(4) })).ok).toBe(
      true,
    );
    const closed = await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "close" });
    expect(closed.scoreboard.groups.find((g: { group: string }) => g.group === "public")).toMatchObject({
      ballots: 1,
      byMechanism: { venue: 1, printed: 0 },
    });
    expect((await new GuestClient(server.url).get(`/api/guest/venue/${"a".repeat(32)}`)).status).toBe(404);
    for (const s of [h.socket, socket]) s.close();
  });
});

describe("guests", () => {
  it("ask (pre-moderated, rate limited per guest), see approved questions and upvote", async () => {
    const limited = await startTestServer({ POST_LIMIT_PER_MINUTE: "5" });
    const server = limited;
    const { forum, host, h } = await liveExamination(limited);
    const g = await hallGuest(server, host.client, forum.id);
    const asked = await emitAck(g.socket, "forum:ask", {
      forumId: forum.id,
      text: "小区停车难怎么解决？",
      clientId: clientId(),
    });
    expect(asked.question).toMatchObject({ status: "pending", author: { displayName: "现场观众" } });
    await emitAck(h.socket, "forum:moderate", { forumId: forum.id, questionId: asked.question.id, action: "approve" });
    const other = await hallGuest(server, host.client, forum.id);
    expect(other.state.questions.map((q: { text: string }) => q.text)).toEqual(["小区停车难怎么解决？"]);
    expect(
      await emitAck(other.socket, "forum:vote", { forumId: forum.id, questionId: asked.question.id }),
    ).toMatchObject({ ok: true, votes: 1 });
    expect(
      await emitAck(other.socket, "forum:chat", { forumId: forum.id, text: "聊天", clientId: clientId() }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const ack = await emitAck(other.socket, "forum:ask", {
        forumId: forum.id,
        text: `问题 ${i}`,
        clientId: clientId(),
      });
      outcomes.push(ack.ok ? "ok" : ack.error.code);
      if (!ack.ok) break;
    }
    expect(outcomes).toEqual(["ok", "ok", "ok", "ok", "ok", "rate_limited"]);
    // the limit is per guest: the first guest may still ask
    expect(
      (await emitAck(g.socket, "forum:ask", { forumId: forum.id, text: "还有一个问题", clientId: clientId() })).ok,
    ).toBe(true);
    for (const s of [h.socket, g.socket, other.socket]) s.close();
    await limited.close();
  }, 120_000);

  it("see their own room over HTTP for a page's first render, as their join answers it", async () => {
    const { forum, host, h } = await liveExamination();
    const asked = await emitAck(h.socket, "forum:ask", {
      forumId: forum.id,
      text: "电梯何时装？",
      clientId: clientId(),
    });
    await emitAck(h.socket, "forum:moderate", { forumId: forum.id, questionId: asked.question.id, action: "approve" });
    await emitAck(h.socket, "forum:chat", { forumId: forum.id, text: "工作人员之间的话", clientId: clientId() });
    const g = await hallGuest(server, host.client, forum.id);

    const peeked = await g.client.get("/api/guest/room");
    expect(peeked.status).toBe(200);
    const joined = await emitAck(g.socket, "forum:join", { forumId: forum.id });
    // the guest's view, as the join's: the live round, the approved question, no chat of the workers
    expect(peeked.body.state.forum).toEqual(joined.state.forum);
    expect(peeked.body.state.forum.id).toBe(forum.id);
    expect(peeked.body.state.questions).toEqual(joined.state.questions);
    expect(peeked.body.state.questions.map((q: { id: string }) => q.id)).toContain(asked.question.id);
    expect(peeked.body.state.chat).toEqual([]);
    expect(peeked.body.state.viewer).toEqual(joined.state.viewer);

    // no guest session, a forged one, a signed-in worker's cookie: nothing, and no error for the console
    expect((await new GuestClient(server.url).get("/api/guest/room")).body).toEqual({ state: null });
    const forged = Object.assign(new GuestClient(server.url), { cookie: `guest_session=${"a".repeat(32)}` });
    expect((await forged.get("/api/guest/room")).body).toEqual({ state: null });
    expect((await host.client.get("/api/guest/room")).body).toEqual({ state: null });
    // the forum ends: the session with it
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "end" });
    expect((await g.client.get("/api/guest/room")).body).toEqual({ state: null });
    for (const s of [h.socket, g.socket]) s.close();
  });

  it("reach no other route, room or document: a guest session is not a sign-in", async () => {
    const { forum, host, h } = await liveExamination();
    const g = await hallGuest(server, host.client, forum.id);
    const guestPaths = new Set([
      "GET /api/guest",
      "GET /api/guest/deck/:talkId",
      "POST /api/guest/code",
      "GET /api/guest/room",
      "GET /api/guest/venue/:code",
      "POST /api/guest/venue/:code",
    ]);
    const publicPaths = new Set([
      "GET /api/health",
      "GET /api/org",
      "POST /api/auth/register",
      "POST /api/auth/login",
      "POST /api/auth/logout",
      "GET /api/session",
      "GET /api/calendar/:file",
      // public, and nothing of the room without a sign-in (below)
      "GET /api/forums/:id/room",
    ]);
    const seen = new Set<string>();
    for (const route of server.routes) {
      const key = `${route.method} ${route.path}`;
      if (route.method === "ALL" || !route.path.startsWith("/api/") || route.path.includes("*") || seen.has(key))
        continue;
      seen.add(key);
      if (guestPaths.has(key) || publicPaths.has(key)) continue;
      const path = route.path.replace(/:[A-Za-z]+/g, route.path.startsWith("/api/forums/:id") ? forum.id : SAMPLE_ID);
      const res = await g.client.request(route.method, path, route.method === "GET" ? undefined : {}, {
        origin: server.url,
      });
      expect({ key, status: res.status }).toEqual({ key, status: 401 });
    }
    expect(seen.size).toBeGreaterThan(40);
    expect((await g.client.get("/api/me")).status).toBe(401);
    expect((await g.client.get(`/api/forums/${forum.id}`)).status).toBe(401);
    expect((await g.client.get(`/api/forums/${forum.id}/room`)).body).toEqual({ state: null });
    expect((await g.client.get("/api/guest")).body.guest).toMatchObject({
      id: g.guest.id,
      forumId: forum.id,
      groupName: "群众代表",
    });
    // other rooms and the host's events are refused on the guest's socket
    expect(await emitAck(g.socket, "studio:join", { studioId: SAMPLE_ID })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await emitAck(g.socket, "qa:subscribe", {})).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await emitAck(g.socket, "forum:control", { forumId: forum.id, action: "end" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(
      await emitAck(g.socket, "forum:round", { forumId: forum.id, talkId: SAMPLE_ID, action: "close" }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // the guest cookie does not open a signed-in socket or a document
    await expect(
      connectGuestSocket(
        server,
        Object.assign(new GuestClient(server.url), { cookie: g.client.cookie.replace("guest_session=", "session=") }),
      ),
    ).rejects.toThrow();
    expect(await upgradeStatus(server, `/yjs/proposal:${SAMPLE_ID}`, g.client.cookie)).not.toBe(101);
    for (const s of [h.socket, g.socket]) s.close();
  });

  it("are refused everywhere once the forum ends", async () => {
    const { forum, host, h } = await liveExamination();
    const g = await hallGuest(server, host.client, forum.id);
    const unused = (await printCodes(host.client, forum.id, "public"))[0]!;
    const cut = new Promise<string>((resolve) => g.socket.on("disconnect", (reason) => resolve(reason)));
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "end" });
    expect(await cut).toBe("io server disconnect");
    expect((await g.client.get("/api/guest")).body).toEqual({ guest: null });
    await expect(connectGuestSocket(server, g.client)).rejects.toThrow();
    expect((await new GuestClient(server.url).post("/api/guest/code", { code: g.code })).status).toBe(410);
    expect((await new GuestClient(server.url).post("/api/guest/code", { code: unused })).status).toBe(410);
    expect((await host.client.post(`/api/forums/${forum.id}/ballot-codes`, { group: "public", count: 1 })).status).toBe(
      410,
    );
    h.socket.close();
  });
});
