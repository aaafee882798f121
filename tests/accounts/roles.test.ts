import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSocket, createUser, emitAck } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const soon = () => new Date(Date.now() + 3600_000).toISOString();

describe("several roles per person", () => {
  it("a secretary who is also a mentor leads a studio and presents at a forum", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const secMentor = await createUser(server, {
      roles: ["secretary", "mentor"],
      communityId: "wuxing",
      displayName: "书记导师",
    });
    expect(secMentor.user).toMatchObject({ role: "secretary", roles: ["secretary", "mentor"] });
    const mentees = await Promise.all(
      [1, 2].map(() => createUser(server, { role: "secretary", communityId: "wuxing" })),
    );

    // leads a studio: the mentor check reads the role set, not the primary role
    const studio = await organiser.client.post("/api/studios", {
      name: "书记导师工作室",
      mentorId: secMentor.user.id,
      menteeIds: mentees.map((m) => m.user.id),
    });
    expect(studio.status).toBe(201);
    const socket = await connectSocket(server, secMentor.client);
    expect((await emitAck(socket, "studio:join", { studioId: studio.body.studio.id })).ok).toBe(true);
    const sent = await emitAck(socket, "studio:send", {
      studioId: studio.body.studio.id,
      text: "本周任务",
      clientId: crypto.randomUUID(),
    });
    expect(sent.ok).toBe(true);

    // presents: offered on the agenda and moves her own slides once her talk is on
    const presenters = (await organiser.client.get("/api/forums/presenters")).body.users as { id: string }[];
    expect(presenters.some((p) => p.id === secMentor.user.id)).toBe(true);
    const forum = await organiser.client.post("/api/forums", {
      title: "书记论坛",
      mode: "forum",
      startsAt: soon(),
      talks: [{ title: "导师带教经验", presenterId: secMentor.user.id }],
    });
    expect(forum.status).toBe(201);
    const forumId = forum.body.forum.id;
    const talkId = forum.body.forum.talks[0].id;
    const host = await connectSocket(server, organiser.client);
    expect((await emitAck(host, "forum:control", { forumId, action: "start" })).ok).toBe(true);
    expect((await emitAck(socket, "forum:join", { forumId })).ok).toBe(true);
    expect((await emitAck(socket, "forum:slide", { forumId, talkId, slide: 2 })).ok).toBe(true);
    // and she can still create a forum as a secretary
    expect(
      (await secMentor.client.post("/api/forums", { title: "我的论坛", mode: "forum", startsAt: soon() })).status,
    ).toBe(201);

    // a plain mentor can't lead... a worker can't be a studio mentor at all
    const worker = await createUser(server, { role: "worker", communityId: "wuxing" });
    const refused = await organiser.client.post("/api/studios", {
      name: "不行",
      mentorId: worker.user.id,
      menteeIds: mentees.map((m) => m.user.id),
    });
    expect(refused.status).toBe(400);
    socket.close();
    host.close();
  });

  it("a veteran who is also a secretary (primary role secretary) is still invitable to answer", async () => {
    const both = await createUser(server, { roles: ["secretary", "veteran"], communityId: "wuxing" });
    const asker = await createUser(server, { role: "worker" });
    const veterans = (await asker.client.get("/api/qa/veterans")).body;
    const list = (veterans.veterans ?? veterans.users ?? veterans) as { user: { id: string } }[];
    expect(list.some((v) => v.user.id === both.user.id)).toBe(true);
  });
});

describe("a street admin is scoped to one street", () => {
  it("sees and manages only their street's people", async () => {
    const street = await createUser(server, { role: "street_admin", streetId: "chengzhong" });
    const mine = await createUser(server, { role: "worker", communityId: "chengzhong-2" });
    const theirs = await createUser(server, { role: "worker", communityId: "hedong-2" });
    const listed = (await street.client.get("/api/users")).body.users as {
      id: string;
      communityId: string | null;
      streetId: string | null;
    }[];
    expect(listed.some((u) => u.id === mine.user.id)).toBe(true);
    expect(listed.some((u) => u.id === theirs.user.id)).toBe(false);
    expect(listed.some((u) => u.id === street.user.id)).toBe(true);
    expect((await street.client.get("/api/users?streetId=hedong")).status).toBe(403);

    expect((await street.client.patch(`/api/users/${theirs.user.id}`, { flags: ["reserve"] })).status).toBe(403);
    // can't move a person of theirs out of the street, nor give them a district role
    expect((await street.client.patch(`/api/users/${mine.user.id}`, { communityId: "hedong-1" })).status).toBe(403);
    expect((await street.client.patch(`/api/users/${mine.user.id}`, { roles: ["organiser"] })).status).toBe(403);
    expect(
      (await street.client.patch(`/api/users/${mine.user.id}`, { roles: ["secretary", "mentor"], flags: ["touyan"] }))
        .status,
    ).toBe(200);
    // a person created with no community lands in the street admin's street
    const created = await street.client.post("/api/users", {
      username: `s${Date.now().toString(36)}`,
      displayName: "街道新人",
      roles: ["worker"],
    });
    expect(created.status).toBe(201);
    expect(created.body.user.streetId).toBe("chengzhong");
    expect(
      (
        await street.client.post("/api/users", {
          username: `t${Date.now().toString(36)}`,
          displayName: "越界",
          roles: ["worker"],
          streetId: "hedong",
        })
      ).status,
    ).toBe(403);
  });

  it("hosts and lists only their street's forums, studios and events, over REST and sockets", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const street = await createUser(server, { role: "street_admin", streetId: "chengzhong" });

    // what they create belongs to their street; asking for another street is refused
    const own = await street.client.post("/api/forums", { title: "城中论坛", mode: "forum", startsAt: soon() });
    expect(own.body.forum.streetId).toBe("chengzhong");
    expect(
      (await street.client.post("/api/forums", { title: "越界", mode: "forum", startsAt: soon(), streetId: "hedong" }))
        .status,
    ).toBe(403);
    const event = await street.client.post("/api/qa/events", { title: "城中问答", startsAt: soon(), pull: 0 });
    expect(event.body.event.streetId).toBe("chengzhong");

    // a forum of another street: no host powers over the socket, no pending questions or authors
    const other = await organiser.client.post("/api/forums", {
      title: "河东论坛",
      mode: "examination",
      startsAt: soon(),
      streetId: "hedong",
    });
    const socket = await connectSocket(server, street.client);
    const joined = await emitAck(socket, "forum:join", { forumId: other.body.forum.id });
    expect(joined.ok).toBe(true);
    expect(joined.state.viewer).toMatchObject({ isHost: false, reviewsAuthors: false, seesPending: false });
    expect((await emitAck(socket, "forum:control", { forumId: other.body.forum.id, action: "start" })).error.code).toBe(
      "forbidden",
    );
    const ownJoin = await emitAck(socket, "forum:join", { forumId: own.body.forum.id });
    expect(ownJoin.state.viewer).toMatchObject({ isHost: true, reviewsAuthors: true, seesPending: true });
    const otherEvent = await organiser.client.post("/api/qa/events", {
      title: "河东问答",
      startsAt: soon(),
      pull: 0,
      streetId: "hedong",
    });
    expect(
      (await emitAck(socket, "qa:control", { eventId: otherEvent.body.event.id, action: "start" })).error.code,
    ).toBe("forbidden");
    expect((await emitAck(socket, "qa:control", { eventId: event.body.event.id, action: "start" })).ok).toBe(true);
    socket.close();

    // studios: the overview shows their street's only
    const people = async (communityId: string) => {
      const mentor = await createUser(server, { role: "mentor", communityId });
      const mentees = await Promise.all([1, 2].map(() => createUser(server, { role: "secretary", communityId })));
      return { mentorId: mentor.user.id, menteeIds: mentees.map((m) => m.user.id) };
    };
    const ownStudio = await street.client.post("/api/studios", {
      name: "城中工作室",
      ...(await people("chengzhong-3")),
    });
    expect(ownStudio.status).toBe(201);
    expect(ownStudio.body.studio.streetId).toBe("chengzhong");
    const otherStudio = await organiser.client.post("/api/studios", {
      name: "河东工作室",
      streetId: "hedong",
      ...(await people("hedong-3")),
    });
    expect(otherStudio.status).toBe(201);
    const all = (await street.client.get("/api/studios?scope=all")).body.studios as {
      id: string;
      streetId: string | null;
    }[];
    expect(all.some((s) => s.id === ownStudio.body.studio.id)).toBe(true);
    expect(all.every((s) => s.streetId === "chengzhong")).toBe(true);
  });
});
