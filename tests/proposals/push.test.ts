import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { proposals } from "../../server/proposals/schema.ts";
import { connectDoc, connectSocket, createUser, eventually, nextEvent, waitForSync } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ownerWithProposal, sectionText } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("proposal change pushes", () => {
  it("members hear of a saved version and a submission at once; outsiders hear nothing", async () => {
    const owner = await createUser(server, { role: "secretary", communityId: "wuxing" });
    const editor = await createUser(server, { role: "secretary", communityId: "wuxing" });
    const outsider = await createUser(server, { role: "secretary", communityId: "wuxing" });
    const created = await owner.client.post("/api/proposals", { title: "推送测试项目", communityId: "wuxing" });
    const id = created.body.proposal.id;
    expect(
      (await owner.client.post(`/api/proposals/${id}/members`, { userId: editor.user.id, role: "editor" })).status,
    ).toBe(200);

    const editorSocket = await connectSocket(server, editor.client);
    const ownerSocket = await connectSocket(server, owner.client);
    const outsiderSocket = await connectSocket(server, outsider.client);
    const overheard: unknown[] = [];
    outsiderSocket.on("proposal:changed", (payload) => overheard.push(payload));

    const saved = nextEvent(ownerSocket, "proposal:changed");
    expect((await editor.client.post(`/api/proposals/${id}/versions`, { name: "初稿" })).status).toBeLessThan(300);
    expect(await saved).toEqual({ proposalId: id, what: "versions" });

    const submitted = nextEvent(editorSocket, "proposal:changed");
    expect((await owner.client.post(`/api/proposals/${id}/submit`)).status).toBe(200);
    expect(await submitted).toEqual({ proposalId: id, what: "status" });

    // A refused write announces nothing.
    expect((await outsider.client.post(`/api/proposals/${id}/submit`)).status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    expect(overheard).toEqual([]);
    for (const socket of [editorSocket, ownerSocket, outsiderSocket]) socket.close();
  });
});

describe("the proposal list's order", () => {
  it("typing in a document moves its proposal to the top of the owner's list", async () => {
    const { owner, proposal: older, docName } = await ownerWithProposal(server, "先建的项目");
    const newer = (await owner.client.post("/api/proposals", { title: "后建的项目", communityId: "wuxing" })).body
      .proposal;
    // Both were just created; let the older one look a minute old, as it would be before someone types in it.
    await server.ctx.db
      .update(proposals)
      .set({ updatedAt: new Date(Date.now() - 60_000) })
      .where(eq(proposals.id, older.id));
    const titles = async () =>
      (await owner.client.get("/api/proposals")).body.proposals.map((p: { title: string }) => p.title);
    expect((await titles()).slice(0, 2)).toEqual([newer.title, older.title]);

    const editor = connectDoc(server, owner.client, docName);
    await waitForSync(editor.provider);
    sectionText(editor.doc, "项目目标").insert(0, "让楼道畅通");
    await server.ctx.yjs.settled();
    await eventually(async () => (await titles())[0] === older.title);
    expect((await titles()).slice(0, 2)).toEqual([older.title, newer.title]);
    editor.provider.destroy();
  });

  it("a comment and a new member are announced to the proposal's people", async () => {
    const owner = await createUser(server, { role: "secretary", communityId: "wuxing" });
    const viewer = await createUser(server, { role: "worker", communityId: "wuxing" });
    const id = (await owner.client.post("/api/proposals", { title: "评论推送项目", communityId: "wuxing" })).body
      .proposal.id;
    const ownerSocket = await connectSocket(server, owner.client);
    const membersChanged = nextEvent(ownerSocket, "proposal:changed");
    expect(
      (await owner.client.post(`/api/proposals/${id}/members`, { userId: viewer.user.id, role: "viewer" })).status,
    ).toBe(200);
    expect(await membersChanged).toEqual({ proposalId: id, what: "members" });
    const commented = nextEvent(ownerSocket, "proposal:changed");
    const threads = (await viewer.client.get(`/api/proposals/${id}/comments`)).body.comments;
    expect(threads).toEqual([]);
    const anchor = Buffer.from(
      Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(new Y.Doc().getText("t"), 0)),
    ).toString("base64");
    const posted = await viewer.client.post(`/api/proposals/${id}/comments`, {
      body: "建议补充预算",
      anchor: { start: anchor, end: anchor },
      quote: "预算",
    });
    expect(posted.status).toBe(201);
    expect(await commented).toEqual({ proposalId: id, what: "comments" });
    ownerSocket.close();
  });
});
