// @vitest-environment happy-dom
/**
 * The forum room as the page holds it (client/src/features/forums/useForumRoom.ts with the reducer
 * of roomState.ts), rendered by React in happy-dom against the real server — its own process with
 * the demo people, the page on its origin, signed in as sec1 who hosts a forum made for the test,
 * while sec2 chats from a socket of their own:
 *  - a line that reaches the room twice (its push again after a re-join's snapshot had it, or a
 *    resend with the same clientId) is shown once;
 *  - after the connection drops, the room joins again and shows what was said while it was away,
 *    each line once and in order, without losing what it already had;
 *  - re-joins while sec2 keeps talking never drop a line pushed while the join was in flight.
 * The forum room has no offline queue (a chat line is resent only on timeout, by sendReliably),
 * so there is none to test here.
 */
import { createElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../shared/auth.ts";
import type { Forum, ForumChatMessage } from "../../shared/forums.ts";
import { api } from "../../client/src/api.ts";
import { earlyAnswer, joinEarly, takeEarlyJoin } from "../../client/src/features/forums/earlyJoin.ts";
import { CHAT_KEPT } from "../../client/src/features/forums/roomState.ts";
import { type JoinStatus, type RoomState, useForumRoom } from "../../client/src/features/forums/useForumRoom.ts";
import { connectSocket, disconnectSocket, emitWithAck, getSocket } from "../../client/src/socket.ts";
import { eventually } from "../helpers/clients.ts";
import { openPageOnServer, signInCookie } from "../helpers/pageServer.ts";
import type { ServerProcess } from "../helpers/processes.ts";

let server: ServerProcess;
let origin: string;
let me: User;
/** sec2's own connection: the other person in the room */
let other: ReturnType<typeof io>;

beforeAll(async () => {
  ({ server, origin } = await openPageOnServer("/forums", "sec1"));
  connectSocket();
  me = (await api<{ user: User }>("/api/session")).user;
  const otherCookie = await signInCookie(origin, "sec2");
  other = io(origin, { path: "/socket.io", transports: ["websocket"], extraHeaders: { cookie: otherCookie, origin } });
  await new Promise<void>((resolve, reject) => {
    other.once("connect", () => resolve());
    other.once("connect_error", reject);
  });
}, 180_000);

afterAll(async () => {
  other?.close();
  disconnectSocket();
  await server?.stop();
});

let forums = 0;
/** A forum hosted by sec1 (the page), with sec2 giving the one talk. */
async function newForum(): Promise<Forum> {
  const { users } = await api<{ users: { id: string; displayName: string }[] }>("/api/forums/presenters");
  const sec2 = users.find((u) => u.displayName === "刘洋书记");
  expect(sec2).toBeTruthy();
  const { forum } = await api<{ forum: Forum }>("/api/forums", {
    body: {
      title: `房间测试论坛${++forums}`,
      mode: "forum",
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
      talks: [{ title: "社区议事会怎么开", presenterId: sec2!.id }],
    },
  });
  return forum;
}

/** What the page's room shows, as of its latest render; `rejoins` counts the renders that entered "resyncing". */
type Shown = { room: RoomState | null; status: JoinStatus; error: string | null; rejoins: number };

/** Renders the room for a forum, the way ForumRoomPage holds it, and reads it back after each render. */
function openRoom(forumId: string): { shown: () => Shown; first: () => Shown | null; close: () => void } {
  let latest: Shown = { room: null, status: "joining", error: null, rejoins: 0 };
  let first: Shown | null = null;
  function Probe() {
    const { room, status, error } = useForumRoom(forumId, me);
    const rejoins = latest.rejoins + (status === "resyncing" && latest.status !== "resyncing" ? 1 : 0);
    latest = { room, status, error, rejoins };
    first ??= latest;
    return null;
  }
  const host = document.createElement("div");
  document.body.append(host);
  const root: Root = createRoot(host);
  root.render(createElement(Probe));
  return {
    shown: () => latest,
    first: () => first,
    close: () => {
      root.unmount();
      host.remove();
    },
  };
}

let sent = 0;
const newClientId = () => `forum-room-${Date.now()}-${++sent}`;

/** sec2 joins the forum (the server pushes chat only to the room's members). */
async function otherJoins(forumId: string) {
  const ack = await other.timeout(10_000).emitWithAck("forum:join", { forumId });
  expect(ack.ok).toBe(true);
}

/** sec2 says a line; resolves with it as the server stored it. */
async function otherSays(forumId: string, text: string): Promise<ForumChatMessage> {
  const ack = await other.timeout(10_000).emitWithAck("forum:chat", { forumId, text, clientId: newClientId() });
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.message;
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000) {
  await eventually(() => {
    if (!check()) throw new Error(`not yet: ${what}`);
    return true;
  }, timeoutMs);
}

/** A server push as the page's socket hands it to its listeners (the room's own handlers). */
function pushToPage(event: "forum:chat", payload: ForumChatMessage) {
  const socket = getSocket() as unknown as { listeners(e: string): ((p: unknown) => void)[] };
  const listeners = socket.listeners(event);
  expect(listeners.length).toBeGreaterThan(0);
  for (const listener of listeners) listener(payload);
}

const texts = (s: Shown) => s.room?.chat.map((m) => m.text) ?? [];
const ids = (s: Shown) => s.room?.chat.map((m) => m.id) ?? [];

/** Counts the page's own `forum:join` emits from now on. */
function countJoins(): { count: () => number; stop: () => void } {
  let n = 0;
  const onOut = (event: string) => {
    if (event === "forum:join") n++;
  };
  getSocket().onAnyOutgoing(onOut);
  return { count: () => n, stop: () => getSocket().offAnyOutgoing(onOut) };
}

describe("forum room (useForumRoom)", () => {
  it("takes over the join started at boot: the first render shows the room, and nothing said before the page mounted is lost", async () => {
    const forum = await newForum();
    await otherJoins(forum.id);
    const joins = countJoins();
    try {
      // as App.tsx does for a forum's QR code, before the page has rendered
      await joinEarly(forum.id);
      const answer = earlyAnswer(forum.id);
      expect(answer?.ok && answer.state.forum.status).toBe("scheduled");
      // the room moves on while the page is still rendering: a chat line and a page turn
      const said = await otherSays(forum.id, "开场前先签到");
      const started = await emitWithAck("forum:control", { forumId: forum.id, action: "start" });
      expect(started.ok).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      const room = openRoom(forum.id);
      try {
        // the first render already had the early join's snapshot
        await until("rendered", () => room.first() !== null);
        expect(room.first()!.status).toBe("joined");
        expect(room.first()!.room?.forum.id).toBe(forum.id);
        await until("the line said before the page mounted", () => ids(room.shown()).includes(said.id));
        await until("the start pushed meanwhile", () => room.shown().room?.forum.status === "live");
        // a line after the take-over arrives through the page's own listeners
        const after = await otherSays(forum.id, "现在开始");
        await until("the line after", () => ids(room.shown()).includes(after.id));
        expect(texts(room.shown())).toEqual(["开场前先签到", "现在开始"]);
        // one join in all: the early one, taken over rather than sent again
        expect(joins.count()).toBe(1);
      } finally {
        room.close();
      }
    } finally {
      joins.stop();
    }
  });

  it("renders first from the room the boot script fetched over HTTP, then takes the join's answer", async () => {
    const forum = await newForum();
    await otherJoins(forum.id);
    // the connection is not up yet, as on a phone whose scripts have just arrived
    disconnectSocket();
    const joins = countJoins();
    try {
      // what client/public/boot/forum-room.js leaves for the app
      window.earlyRoom = {
        forumId: forum.id,
        answer: fetch(`/api/forums/${forum.id}/room`, { credentials: "same-origin" }).then((r) => r.json()),
      };
      await joinEarly(forum.id);
      expect(window.earlyRoom).toBeUndefined();
      const peeked = earlyAnswer(forum.id);
      expect(peeked?.ok && peeked.state.forum.id).toBe(forum.id);
      expect(peeked?.ok && peeked.state.chat).toEqual([]);
      // said after the page's request: only the join's answer has it
      const said = await otherSays(forum.id, "签到处在一楼");
      const room = openRoom(forum.id);
      try {
        await until("rendered", () => room.first() !== null);
        expect(room.first()!.room?.forum.id).toBe(forum.id);
        expect(texts(room.first()!)).toEqual([]);
        connectSocket();
        await until("the join's answer", () => ids(room.shown()).includes(said.id), 20_000);
        expect(room.shown().status).toBe("joined");
        // the early join was sent on connecting and taken over: one join in all
        expect(joins.count()).toBe(1);
      } finally {
        room.close();
      }
    } finally {
      joins.stop();
      connectSocket();
    }
  }, 30_000);

  it("an early join no page takes over stops keeping pushes past its bound", async () => {
    const forum = await newForum();
    const socket = getSocket() as unknown as { listeners(e: string): ((p: unknown) => void)[] };
    const before = socket.listeners("forum:presence").length;
    await joinEarly(forum.id);
    expect(socket.listeners("forum:presence").length).toBe(before + 1);
    // a busy room's pushes, as the socket hands them to its listeners, and no page to take them
    const presence = { forumId: forum.id, count: 1, byRole: {}, users: [] };
    for (let i = 0; i < 2_500 && socket.listeners("forum:presence").length > before; i++)
      for (const listener of socket.listeners("forum:presence")) listener(presence);
    expect(socket.listeners("forum:presence").length).toBe(before);
    expect(earlyAnswer(forum.id)).toBeUndefined();
    expect(takeEarlyJoin(forum.id)).toBeNull();
  });

  it("a room that mounts before the connection is up joins once, on connecting", async () => {
    const forum = await newForum();
    disconnectSocket();
    const joins = countJoins();
    const room = openRoom(forum.id);
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(room.shown().status).toBe("joining");
      connectSocket();
      await until("joined", () => room.shown().status === "joined", 20_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(joins.count()).toBe(1);
      expect(room.shown().rejoins).toBe(0);
    } finally {
      room.close();
      joins.stop();
    }
  }, 30_000);

  it("shows a line once when it reaches the room twice (a late second push, a resend with the same clientId)", async () => {
    const forum = await newForum();
    const room = openRoom(forum.id);
    try {
      await until("joined", () => room.shown().status === "joined");
      const clientId = newClientId();
      const first = await emitWithAck("forum:chat", { forumId: forum.id, text: "请大家先看议程", clientId });
      const again = await emitWithAck("forum:chat", { forumId: forum.id, text: "请大家先看议程", clientId });
      expect(first.ok && again.ok).toBe(true);
      if (!first.ok || !again.ok) return;
      // the server answers the resend with what it stored the first time
      expect(again.message.id).toBe(first.message.id);
      await until("the line shown", () => ids(room.shown()).includes(first.message.id));
      // a later line proves every push for the resend has been handled before counting
      await otherJoins(forum.id);
      const later = await otherSays(forum.id, "收到");
      await until("the later line shown", () => ids(room.shown()).includes(later.id));
      expect(room.shown().room!.chat.filter((m) => m.clientId === clientId)).toHaveLength(1);
      // a re-join's snapshot can already hold a line whose push is still on its way: that push,
      // handed to the room's own listener as the socket would, must not show it a second time
      pushToPage("forum:chat", later);
      await new Promise((r) => setTimeout(r, 50));
      expect(texts(room.shown())).toEqual(["请大家先看议程", "收到"]);
    } finally {
      room.close();
    }
  });

  it("joins again after the connection drops and shows what was said meanwhile, once each and in order", async () => {
    const forum = await newForum();
    await otherJoins(forum.id);
    const room = openRoom(forum.id);
    try {
      await until("joined", () => room.shown().status === "joined");
      const before = await otherSays(forum.id, "第一件事：走访台账");
      await until("the first line shown", () => ids(room.shown()).includes(before.id));

      disconnectSocket();
      const away: ForumChatMessage[] = [];
      for (const text of ["第二件事：议事会", "第三件事：志愿者排班", "大家有问题吗"])
        away.push(await otherSays(forum.id, text));
      // nothing reaches a dropped connection: the lines are not shown yet
      expect(ids(room.shown())).not.toContain(away[0]!.id);

      connectSocket();
      await until(
        "re-joined with the lines said while away",
        () => room.shown().status === "joined" && away.every((m) => ids(room.shown()).includes(m.id)),
        20_000,
      );
      expect(room.shown().rejoins).toBe(1);
      expect(texts(room.shown())).toEqual([
        "第一件事：走访台账",
        "第二件事：议事会",
        "第三件事：志愿者排班",
        "大家有问题吗",
      ]);
      expect(new Set(ids(room.shown())).size).toBe(ids(room.shown()).length);
    } finally {
      room.close();
    }
  }, 60_000);

  it("loses no line pushed while a re-join is in flight, however often it re-joins", async () => {
    const forum = await newForum();
    await otherJoins(forum.id);
    const room = openRoom(forum.id);
    try {
      await until("joined", () => room.shown().status === "joined");
      let talking = true;
      const said: ForumChatMessage[] = [];
      // two lines in flight at a time, so re-joins often overlap a line being stored and pushed
      const talker = (lane: number) =>
        (async () => {
          for (let i = 0; talking && i < 100; i++) said.push(await otherSays(forum.id, `第${lane}路第${i}条`));
        })();
      const talk = Promise.all([talker(1), talker(2)]);
      // the room re-joins on every reconnect: drop and restore the connection while sec2 talks
      for (let round = 0; round < 12; round++) {
        await until("some talk before the drop", () => said.length > round * 5, 10_000);
        const rejoins = room.shown().rejoins;
        disconnectSocket();
        connectSocket();
        await until(
          `re-joined (round ${round})`,
          () => room.shown().rejoins > rejoins && room.shown().status === "joined",
          20_000,
        );
      }
      expect(room.shown().rejoins).toBe(12);
      talking = false;
      await talk;
      await until("every line said shown", () => said.every((m) => ids(room.shown()).includes(m.id)), 10_000);
      // every line said is on screen, once (all fit in what the room keeps); with two lanes the
      // pushes may arrive in another order than the lines were stored, so order is not compared here
      expect(said.length).toBeLessThan(CHAT_KEPT);
      expect([...ids(room.shown())].sort()).toEqual(said.map((m) => m.id).sort());
    } finally {
      room.close();
    }
  }, 90_000);
});
