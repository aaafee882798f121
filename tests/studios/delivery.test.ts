import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StudioMessage } from "../../shared/studios.ts";
import { emitAck, eventually, nextEvent } from "../helpers/clients.ts";
import { CommitQueue } from "../../server/studios/commitQueue.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { clientId, collect, createStudio, joinStudio, send } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** What the client does with what it receives: keep one copy per seq, in seq order. */
function merge(into: Map<number, StudioMessage>, messages: StudioMessage[]) {
  for (const m of messages) into.set(m.seq, m);
  return [...into.values()].sort((a, b) => a.seq - b.seq);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("never duplicate", () => {
  it("a retry with the same clientId returns the same message and stores it once", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const s = await joinStudio(server, mentees[0]!, studio.id);
    const received = collect(s.socket);
    const id = clientId();
    const payload = { studioId: studio.id, text: "只存一次", clientId: id };
    // the original and two retries racing it, then a late retry
    const acks = await Promise.all([1, 2, 3].map(() => emitAck(m.socket, "studio:send", payload)));
    const late = await emitAck(m.socket, "studio:send", payload);
    for (const ack of [...acks, late]) {
      expect(ack.ok).toBe(true);
      expect(ack.message.id).toBe(acks[0].message.id);
      expect(ack.message.seq).toBe(1);
    }
    const next = await send(m.socket, studio.id, "下一条");
    expect(next.message.seq).toBe(2);
    const history = await mentor.client.get(`/api/studios/${studio.id}/messages`);
    expect(history.body.messages.map((x: StudioMessage) => x.text)).toEqual(["只存一次", "下一条"]);
    await eventually(() => received.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(received.map((x) => x.seq)).toEqual([1, 2]);
    m.socket.close();
    s.socket.close();
  });
});

describe("ordering", () => {
  it("three concurrent senders: seqs 1..N without gaps, each sender's messages in its own order, same view for all", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const people = [mentor, ...mentees];
    const joined = await Promise.all(people.map((p) => joinStudio(server, p, studio.id)));
    // what each member's client holds: pushes of the others' messages, and its own from the acks
    const pushes = joined.map((j) => collect(j.socket));
    const acked: StudioMessage[][] = joined.map(() => []);
    const PER_SENDER = 30;
    await Promise.all(
      joined.map(async (j, who) => {
        for (let i = 0; i < PER_SENDER; i++) {
          const ack = await send(j.socket, studio.id, `${who}:${i}`);
          expect(ack.ok).toBe(true);
          acked[who]!.push(ack.message);
        }
      }),
    );
    const inboxes = pushes.map((p, who) => ({
      get length() {
        return p.length + acked[who]!.length;
      },
      all: () => [...p, ...acked[who]!],
    }));
    const total = PER_SENDER * people.length;
    const history = await mentor.client.get(`/api/studios/${studio.id}/messages?after=0&limit=100`);
    const stored: StudioMessage[] = history.body.messages;
    expect(stored.map((x) => x.seq)).toEqual(range(1, total));
    for (let who = 0; who < people.length; who++) {
      const mine = stored.filter((x) => x.text.startsWith(`${who}:`)).map((x) => Number(x.text.split(":")[1]));
      expect(mine).toEqual(range(0, PER_SENDER - 1));
    }
    await eventually(() => inboxes.every((inbox) => inbox.length === total));
    for (const inbox of inboxes) {
      // nobody got a message twice (a sender is not pushed what its ack already carried)
      expect(new Set(inbox.all().map((x) => x.id)).size).toBe(total);
      expect(merge(new Map(), inbox.all()).map((x) => x.id)).toEqual(stored.map((x) => x.id));
    }
    for (const j of joined) j.socket.close();
  });
});

describe("never lose across reconnects", () => {
  it("connection cut in the middle of a burst: rejoin with the last seq replays the rest, no gap, no duplicate", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const first = await joinStudio(server, mentees[0]!, studio.id);
    const beforeCut = collect(first.socket);
    const BURST = 120;

    let cutAt = -1;
    let acked = 0;
    const burst = (async () => {
      for (let i = 1; i <= BURST; i++) {
        const ack = await send(m.socket, studio.id, `第${i}条`);
        expect(ack.ok).toBe(true);
        expect(ack.message.seq).toBe(i);
        acked = i;
        if (i === 30) {
          // cut the mentee's connection while the mentor keeps sending
          first.socket.disconnect();
          cutAt = i;
        }
      }
    })();

    await eventually(() => cutAt > 0, 10_000);
    const have = merge(new Map(), beforeCut);
    const lastSeq = have.length ? have[have.length - 1]!.seq : 0;
    // what the client holds is a prefix with no hole
    expect(have.map((x) => x.seq)).toEqual(range(1, lastSeq));

    // reconnect (a new connection, as after a network change) while the burst is still going
    const ackedBeforeJoin = acked;
    const again = await joinStudio(server, mentees[0]!, studio.id, lastSeq);
    const ackedDuringJoin = acked - ackedBeforeJoin;
    const live = again.live;
    const replay: StudioMessage[] = again.ack.messages;
    expect(again.ack.complete).toBe(true);
    if (replay.length) {
      expect(replay[0]!.seq).toBe(lastSeq + 1);
      expect(replay.map((x) => x.seq)).toEqual(range(lastSeq + 1, lastSeq + replay.length));
    }
    await burst;
    await eventually(() => live.at(-1)?.seq === BURST, 10_000);
    const view = merge(new Map(have.map((x) => [x.seq, x])), [...replay, ...live]);
    expect(view.map((x) => x.text)).toEqual(range(1, BURST).map((i) => `第${i}条`));
    // replay and live overlap only where a message committed during the join itself: those the mentor saw
    // acknowledged while the join was in flight, plus the one whose ack was still on its way (sends are sequential)
    const overlap = live.filter((x) => x.seq <= (replay.at(-1)?.seq ?? lastSeq));
    expect(overlap.length).toBeLessThanOrEqual(ackedDuringJoin + 1);
    expect(ackedDuringJoin + 1).toBeLessThan(BURST - lastSeq);
    m.socket.close();
    again.socket.close();
  });

  it("a message sent while offline is retried on reconnect with the same clientId and appears once", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const s = await joinStudio(server, mentees[0]!, studio.id);
    const inbox = collect(m.socket);
    const id = clientId("pending");
    const payload = { studioId: studio.id, text: "离线时写的", clientId: id };
    // the first attempt reaches the server but the answer is lost with the connection
    (s.socket as unknown as { emit(e: string, p: unknown): void }).emit("studio:send", payload);
    s.socket.disconnect();
    const back = await joinStudio(server, mentees[0]!, studio.id, 0);
    const retry = await emitAck(back.socket, "studio:send", payload);
    expect(retry.ok).toBe(true);
    await eventually(() => inbox.length >= 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(inbox.filter((x) => x.clientId === id)).toHaveLength(1);
    const history = await mentor.client.get(`/api/studios/${studio.id}/messages`);
    expect(history.body.messages.filter((x: StudioMessage) => x.clientId === id)).toHaveLength(1);
    m.socket.close();
    back.socket.close();
  });

  it("edits and withdrawals made while away arrive in `changed` on rejoin", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const a = await send(m.socket, studio.id, "原文");
    const s = await joinStudio(server, mentees[0]!, studio.id);
    const since = s.ack.serverTime;
    s.socket.close();
    await emitAck(m.socket, "studio:edit", { studioId: studio.id, messageId: a.message.id, text: "改过的" });
    const back = await joinStudio(server, mentees[0]!, studio.id);
    const rejoin = await emitAck(back.socket, "studio:join", { studioId: studio.id, lastSeq: 1, changedSince: since });
    expect(rejoin.messages).toEqual([]);
    expect(rejoin.changed.map((x: StudioMessage) => x.text)).toEqual(["改过的"]);
    m.socket.close();
    back.socket.close();
  });
});

describe("history", () => {
  it("pages upward with before= and caps limit at 100", async () => {
    const { studio, mentor } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    for (let i = 1; i <= 12; i++) await send(m.socket, studio.id, `m${i}`);
    const newest = await mentor.client.get(`/api/studios/${studio.id}/messages?limit=5`);
    expect(newest.body.messages.map((x: StudioMessage) => x.seq)).toEqual([8, 9, 10, 11, 12]);
    const older = await mentor.client.get(`/api/studios/${studio.id}/messages?limit=5&before=8`);
    expect(older.body.messages.map((x: StudioMessage) => x.seq)).toEqual([3, 4, 5, 6, 7]);
    const oldest = await mentor.client.get(`/api/studios/${studio.id}/messages?limit=5&before=3`);
    expect(oldest.body.messages.map((x: StudioMessage) => x.seq)).toEqual([1, 2]);
    m.socket.close();
  });
});

describe("receipts, unread counts, presence and typing", () => {
  it("unread counts per studio fall as members read; read positions reach the room", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    for (const text of ["一", "二", "三"]) await send(m.socket, studio.id, text);

    const unreadOf = async (who: (typeof mentees)[number]) =>
      (await who.client.get("/api/studios")).body.studios.find((x: { id: string }) => x.id === studio.id).unread;
    expect(await unreadOf(mentees[0]!)).toBe(3);
    expect(await unreadOf(mentees[1]!)).toBe(3);
    expect(await unreadOf(mentor)).toBe(0);

    const s = await joinStudio(server, mentees[0]!, studio.id);
    const seen = nextEvent(m.socket, "studio:read");
    const read = await emitAck(s.socket, "studio:read", { studioId: studio.id, seq: 2 });
    expect(read).toEqual({ ok: true, seq: 2 });
    expect(await seen).toEqual({ studioId: studio.id, userId: mentees[0]!.user.id, seq: 2 });
    expect(await unreadOf(mentees[0]!)).toBe(1);
    // a read position never moves back, and never past the last message
    expect((await emitAck(s.socket, "studio:read", { studioId: studio.id, seq: 1 })).seq).toBe(2);
    expect((await emitAck(s.socket, "studio:read", { studioId: studio.id, seq: 999 })).seq).toBe(3);
    expect(await unreadOf(mentees[0]!)).toBe(0);

    // the mentor sees "已读 1/2" for message 3: one of two mentees has read it
    const rejoin = await emitAck(m.socket, "studio:join", { studioId: studio.id });
    const readers = rejoin.studio.members.filter(
      (x: { userId: string; readSeq: number }) => x.userId !== mentor.user.id && x.readSeq >= 3,
    );
    expect(readers).toHaveLength(1);
    m.socket.close();
    s.socket.close();
  });

  it("typing and presence reach the other members; going away records last seen", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const online = nextEvent(m.socket, "studio:presence");
    const s = await joinStudio(server, mentees[0]!, studio.id);
    expect(await online).toMatchObject({ studioId: studio.id, userId: mentees[0]!.user.id, online: true });
    const joinedView = await emitAck(m.socket, "studio:join", { studioId: studio.id });
    expect(joinedView.studio.members.find((x: { userId: string }) => x.userId === mentees[0]!.user.id).online).toBe(
      true,
    );

    const typing = nextEvent(m.socket, "studio:typing");
    await emitAck(s.socket, "studio:typing", { studioId: studio.id, typing: true });
    expect(await typing).toMatchObject({
      userId: mentees[0]!.user.id,
      typing: true,
      displayName: mentees[0]!.user.displayName,
    });

    const offline = nextEvent(m.socket, "studio:presence");
    s.socket.close();
    const gone = await offline;
    expect(gone).toMatchObject({ userId: mentees[0]!.user.id, online: false });
    expect(gone.lastSeenAt).toBeTruthy();
    const view = (await mentor.client.get(`/api/studios/${studio.id}`)).body.studio;
    expect(view.members.find((x: { userId: string }) => x.userId === mentees[0]!.user.id).lastSeenAt).toBe(
      gone.lastSeenAt,
    );
    m.socket.close();
  });
});

describe("several server processes", () => {
  it("two commit queues (one per process) racing on the same studios give gapless seqs and store a clientId once", async () => {
    const fixtures = await Promise.all([createStudio(server), createStudio(server)]);
    // two queues on the same database, as two processes would have
    const queues = [new CommitQueue(server.ctx), new CommitQueue(server.ctx)];
    const submits: Promise<unknown>[] = [];
    const shared = clientId("both");
    for (let i = 0; i < 120; i++) {
      const f = fixtures[i % 2]!;
      submits.push(
        queues[Math.floor(i / 2) % 2]!.submit({
          studioId: f.studio.id,
          clientId: clientId("q"),
          authorId: f.mentor.user.id,
          text: `q${i}`,
        }),
      );
    }
    // the same clientId through both queues at once
    for (const q of queues) {
      submits.push(
        q.submit({
          studioId: fixtures[0]!.studio.id,
          clientId: shared,
          authorId: fixtures[0]!.mentor.user.id,
          text: "两边都发",
        }),
      );
    }
    await Promise.all(submits);
    for (const f of fixtures) {
      const stored: StudioMessage[] = (
        await f.mentor.client.get(`/api/studios/${f.studio.id}/messages?after=0&limit=100`)
      ).body.messages;
      const expected = f === fixtures[0] ? 61 : 60;
      expect(stored.map((m) => m.seq)).toEqual(range(1, expected));
      expect(new Set(stored.map((m) => m.clientId)).size).toBe(expected);
      const studio = (await f.mentor.client.get(`/api/studios/${f.studio.id}`)).body.studio;
      expect(studio.lastSeq).toBe(expected);
    }
  });
});
