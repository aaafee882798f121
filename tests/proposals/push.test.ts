import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSocket, createUser, nextEvent } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

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
    expect((await owner.client.post(`/api/proposals/${id}/members`, { userId: editor.user.id, role: "editor" })).status).toBe(200);

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
