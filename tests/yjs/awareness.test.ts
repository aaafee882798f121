import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../../shared/errors.ts";
import { LIMITS } from "../../shared/limits.ts";
import { presenceColour } from "../../shared/presence.ts";
import { connectDoc, emitAck, eventually, waitForSync } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { awarenessFrame, openRawDoc } from "../helpers/yjsFrames.ts";
import { setupForum, joinForum, clientId as forumClientId } from "../forums/helpers.ts";
import { addMember, ownerWithProposal } from "../proposals/helpers.ts";
import { createStudio, joinStudio } from "../studios/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** An observer's provider, with the awareness states it received for `clientId`. */
async function observer(owner: Parameters<typeof connectDoc>[1], docName: string, clientId: number) {
  const o = connectDoc(server, owner, docName);
  await waitForSync(o.provider);
  const states: unknown[] = [];
  o.provider.awareness.on("update", ({ added, updated }: { added: number[]; updated: number[] }) => {
    if ([...added, ...updated].includes(clientId)) states.push(o.provider.awareness.getStates().get(clientId));
  });
  return { ...o, states };
}

describe("awareness is checked (finding 6)", () => {
  it("a viewer's 900 KB presence state is refused (4413) and reaches no one", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const o = await observer(owner.client, docName, 5001);
    const raw = await openRawDoc(server, viewer.client.cookie, docName);
    raw.send(awarenessFrame(5001, 1, JSON.stringify({ cursor: "x".repeat(900_000) })));
    expect((await raw.closed).code).toBe(CLOSE_CODES.tooLarge);
    await new Promise((r) => setTimeout(r, 300));
    expect(o.states).toEqual([]);
    o.provider.destroy();
  });

  it("a viewer shows presence, but under the session's own name and colour, not the one it sent", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const o = await observer(owner.client, docName, 5002);
    const raw = await openRawDoc(server, viewer.client.cookie, docName);
    raw.send(
      awarenessFrame(5002, 1, JSON.stringify({ user: { name: "区委组织部管理员", color: "#000000" }, cursor: null })),
    );
    await eventually(() => o.states.length > 0);
    expect(o.states.at(-1)).toEqual({
      user: { name: viewer.user.displayName, color: presenceColour(viewer.user.id) },
      cursor: null,
    });
    raw.ws.close();
    o.provider.destroy();
  });

  it("a connection may not speak for someone else's client id (the entry is dropped)", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const o = connectDoc(server, owner.client, docName);
    await waitForSync(o.provider);
    o.provider.awareness.setLocalStateField("cursor", "mine");
    const ownerId = o.doc.clientID;
    const third = await observer(owner.client, docName, ownerId);
    await eventually(() => third.provider.awareness.getStates().has(ownerId));
    const raw = await openRawDoc(server, viewer.client.cookie, docName);
    raw.send(awarenessFrame(ownerId, 999, JSON.stringify({ cursor: "elsewhere" })));
    // its own presence, sent right behind, does arrive: the foreign entry was dropped, not the connection
    raw.send(awarenessFrame(5009, 1, JSON.stringify({ cursor: null })));
    await eventually(() => third.provider.awareness.getStates().has(5009));
    expect(third.provider.awareness.getStates().get(ownerId)).toEqual({
      cursor: "mine",
      user: { name: owner.user.displayName, color: presenceColour(owner.user.id) },
    });
    raw.ws.close();
    o.provider.destroy();
    third.provider.destroy();
  });

  it("a flood of presence updates is cut to the budget, and a client that keeps going is closed (4429)", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const o = await observer(owner.client, docName, 5003);
    const raw = await openRawDoc(server, viewer.client.cookie, docName);
    const started = Date.now();
    for (let clock = 1; clock <= 300; clock++)
      raw.send(awarenessFrame(5003, clock, JSON.stringify({ cursor: { n: clock } })));
    expect((await raw.closed).code).toBe(CLOSE_CODES.rateLimited);
    const seconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 300));
    expect(o.states.length).toBeGreaterThan(0);
    // a burst, plus what refilled while the server was reading the frames (slow on a busy machine)
    expect(o.states.length).toBeLessThanOrEqual(LIMITS.awarenessPerSecond * (1 + Math.ceil(seconds)));
    expect(o.states.length).toBeLessThan(300);
    o.provider.destroy();
  });

  it("an ordinary editor's presence (a name, a colour, a cursor) still reaches the others", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const a = connectDoc(server, owner.client, docName);
    const b = connectDoc(server, editor.client, docName);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
    b.provider.awareness.setLocalStateField("user", { name: "随便起的名字", color: "#123456" });
    b.provider.awareness.setLocalStateField("cursor", { anchor: 1, head: 3 });
    const seen = () =>
      a.provider.awareness.getStates().get(b.doc.clientID) as { user?: { name: string }; cursor?: unknown } | undefined;
    await eventually(() => seen()?.cursor);
    expect(seen()).toEqual({
      user: { name: editor.user.displayName, color: presenceColour(editor.user.id) },
      cursor: { anchor: 1, head: 3 },
    });
    expect(b.provider.wsconnected).toBe(true);
    a.provider.destroy();
    b.provider.destroy();
  });
});

describe("studio:typing and forum:vote are rate-limited (finding 6)", () => {
  it("typing signals past the per-minute budget are refused with rate_limited and not broadcast", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const typist = await joinStudio(server, mentor, studio.id);
    const watcher = await joinStudio(server, mentees[0]!, studio.id);
    let heard = 0;
    (watcher.socket as unknown as { on(e: string, f: () => void): void }).on("studio:typing", () => (heard += 1));
    const acks = [];
    for (let i = 0; i < LIMITS.typingPerMinute + 5; i++)
      acks.push(await emitAck(typist.socket, "studio:typing", { studioId: studio.id, typing: i % 2 === 0 }));
    expect(acks.slice(0, LIMITS.typingPerMinute).every((a) => a.ok)).toBe(true);
    expect(acks.slice(LIMITS.typingPerMinute).map((a) => a.error?.code)).toEqual(Array(5).fill("rate_limited"));
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).toBe(LIMITS.typingPerMinute);
    typist.socket.close();
    watcher.socket.close();
  });

  it("votes past the per-minute budget are refused with rate_limited", async () => {
    const { forum, host } = await setupForum(server);
    const h = await joinForum(server, host.client, forum.id);
    const asked = await emitAck(h.socket, "forum:ask", {
      forumId: forum.id,
      text: "楼道堆物怎么清理？",
      clientId: forumClientId(),
    });
    expect(asked.ok).toBe(true);
    const acks = [];
    for (let i = 0; i < LIMITS.votesPerMinute + 3; i++)
      acks.push(await emitAck(h.socket, "forum:vote", { forumId: forum.id, questionId: asked.question.id }));
    expect(acks.slice(0, LIMITS.votesPerMinute).every((a) => a.ok)).toBe(true);
    expect(acks.slice(LIMITS.votesPerMinute).map((a) => a.error?.code)).toEqual(Array(3).fill("rate_limited"));
    h.socket.close();
  });
});
