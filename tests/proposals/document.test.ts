import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CLOSE_CODES } from "../../shared/errors.ts";
import { LIMITS } from "../../shared/limits.ts";
import { PROPOSAL_SECTIONS } from "../../shared/proposals.ts";
import { compactDoc, countRows, loadDoc } from "../../server/yjs/persistence.ts";
import { connectDoc, createUser, eventually, upgradeStatus, waitForSync } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { addMember, docText, fragment, ownerWithProposal, sectionText } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("proposal document /yjs/proposal:<id>", () => {
  it("starts from the template and two editors' providers converge", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server, "红色管家项目");
    const editor = await addMember(server, owner, proposal.id, "editor");
    const a = connectDoc(server, owner.client, docName);
    const b = connectDoc(server, editor.client, docName);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
    const headings = (fragment(a.doc).toArray() as Y.XmlElement[])
      .filter((e) => e.nodeName === "heading")
      .map((h) => h.get(0)!.toString());
    expect(headings).toEqual([...PROPOSAL_SECTIONS]);
    expect(sectionText(a.doc, "项目名称").toString()).toBe("红色管家项目");

    sectionText(a.doc, "背景与问题").insert(0, "老旧小区楼道堆物多。");
    sectionText(b.doc, "背景与问题").insert(0, "居民诉求渠道不畅，");
    sectionText(b.doc, "服务对象").insert(0, "独居老人");
    await eventually(
      () =>
        docText(a.doc) === docText(b.doc) && docText(a.doc).includes("独居老人") && docText(b.doc).includes("楼道堆物"),
    );
    expect(sectionText(a.doc, "背景与问题").length).toBe("老旧小区楼道堆物多。居民诉求渠道不畅，".length);
    a.provider.destroy();
    b.provider.destroy();
  });

  it("a viewer receives live edits, but its own update is applied neither on the server nor at other clients", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const w = connectDoc(server, owner.client, docName);
    const v = connectDoc(server, viewer.client, docName);
    await Promise.all([waitForSync(w.provider), waitForSync(v.provider)]);
    sectionText(v.doc, "项目目标").insert(0, "查看者写的");
    sectionText(w.doc, "服务对象").insert(0, "负责人写的");
    await eventually(() => sectionText(v.doc, "服务对象").toString() === "负责人写的");
    await server.ctx.yjs.settled();
    await new Promise((r) => setTimeout(r, 200));
    expect(sectionText(w.doc, "项目目标").toString()).toBe("");
    // Nothing of the viewer's is stored: a fresh client sees the owner's edit only.
    const fresh = connectDoc(server, owner.client, docName);
    await waitForSync(fresh.provider);
    expect(sectionText(fresh.doc, "服务对象").toString()).toBe("负责人写的");
    expect(sectionText(fresh.doc, "项目目标").toString()).toBe("");
    for (const c of [w, v, fresh]) c.provider.destroy();
  });

  it("refuses a non-member (403), a signed-out visitor (401) and an unknown proposal (404) at the upgrade", async () => {
    const { docName } = await ownerWithProposal(server);
    const stranger = await createUser(server, { role: "secretary", communityId: "wuxing" });
    expect(await upgradeStatus(server, `/yjs/${docName}`, stranger.client.cookie)).toBe(403);
    expect(await upgradeStatus(server, `/yjs/${docName}`)).toBe(401);
    expect(await upgradeStatus(server, `/yjs/proposal:${crypto.randomUUID()}`, stranger.client.cookie)).toBe(404);
    expect(await upgradeStatus(server, `/yjs/proposal:not-a-uuid`, stranger.client.cookie)).toBe(404);
  });

  it("locks editing at once after submit (open connections too) and opens it again when returned", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const admin = await createUser(server, { role: "admin" });
    const e = connectDoc(server, editor.client, docName);
    const o = connectDoc(server, owner.client, docName);
    await Promise.all([waitForSync(e.provider), waitForSync(o.provider)]);
    sectionText(e.doc, "项目目标").insert(0, "提交前");
    await eventually(() => sectionText(o.doc, "项目目标").toString() === "提交前");

    expect((await owner.client.post(`/api/proposals/${proposal.id}/submit`)).body.proposal.status).toBe("submitted");
    sectionText(e.doc, "项目目标").insert(3, "提交后");
    await new Promise((r) => setTimeout(r, 300));
    expect(sectionText(o.doc, "项目目标").toString()).toBe("提交前");
    // The automatic version of round 1.
    const versions = (await owner.client.get(`/api/proposals/${proposal.id}/versions`)).body.versions;
    expect(versions.map((v: { name: string }) => v.name)).toContain("第1轮 提交");
    // REST restore is refused while locked.
    expect((await owner.client.post(`/api/proposals/${proposal.id}/versions/${versions[0].id}/restore`)).status).toBe(
      403,
    );

    expect(
      (await admin.client.post(`/api/proposals/${proposal.id}/return`, { reason: "预算不清楚" })).body.proposal.status,
    ).toBe("returned");
    const e2 = connectDoc(server, editor.client, docName);
    await waitForSync(e2.provider);
    sectionText(e2.doc, "预期成效").insert(0, "退回后可改");
    await eventually(() => sectionText(o.doc, "预期成效").toString() === "退回后可改");
    // The edit made while locked never reached the server.
    expect(sectionText(e2.doc, "项目目标").toString()).toBe("提交前");
    for (const c of [e, o, e2]) c.provider.destroy();
  });

  it("closes a member's open connection when they are removed", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const v = connectDoc(server, viewer.client, docName);
    await waitForSync(v.provider);
    const closed = new Promise<number>((resolve) =>
      v.provider.ws!.addEventListener("close", (ev) => resolve((ev as CloseEvent).code)),
    );
    await owner.client.delete(`/api/proposals/${proposal.id}/members/${viewer.user.id}`);
    expect(await closed).toBe(CLOSE_CODES.forbidden);
    v.provider.destroy();
  });

  it("an oversized update closes the writer's connection with 4413 and is neither stored nor relayed", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const w = connectDoc(server, editor.client, docName);
    const o = connectDoc(server, owner.client, docName);
    await Promise.all([waitForSync(w.provider), waitForSync(o.provider)]);
    const rowsBefore = await countRows(server.ctx.db, docName);
    const closed = new Promise<number>((resolve) =>
      w.provider.ws!.addEventListener("close", (ev) => resolve((ev as CloseEvent).code)),
    );
    sectionText(w.doc, "背景与问题").insert(0, "大".repeat(Math.ceil(LIMITS.yjsMessageBytes / 3) + 10));
    expect(await closed).toBe(CLOSE_CODES.tooLarge);
    w.provider.destroy();
    await server.ctx.yjs.settled();
    expect(await countRows(server.ctx.db, docName)).toBe(rowsBefore);
    expect(sectionText(o.doc, "背景与问题").length).toBe(0);
    o.provider.destroy();
  });

  it("compaction leaves the content identical and loading reads the snapshot plus the tail", async () => {
    const { owner, docName } = await ownerWithProposal(server);
    const a = connectDoc(server, owner.client, docName);
    await waitForSync(a.provider);
    const text = sectionText(a.doc, "实施步骤与时间表");
    for (let i = 0; i < 120; i++) text.insert(text.length, i % 2 ? "议" : "事");
    await eventually(async () => (await countRows(server.ctx.db, docName)) >= 121);
    await server.ctx.yjs.settled();
    const before = docText(a.doc);
    const result = await compactDoc(server.ctx.db, docName);
    expect(result.before).toBeGreaterThan(100);
    expect(result.after).toBe(1);
    text.insert(0, "尾");
    await eventually(async () => (await countRows(server.ctx.db, docName)) === 2);
    a.provider.destroy();
    await eventually(() => server.ctx.yjs.openDocuments === 0);
    const stored = await loadDoc(server.ctx.db, docName);
    const loaded = new Y.Doc();
    for (const u of stored.updates) Y.applyUpdate(loaded, u);
    expect(docText(loaded)).toBe(before.replace("事议", "尾事议"));
    const b = connectDoc(server, owner.client, docName);
    await waitForSync(b.provider);
    expect(docText(b.doc)).toBe(docText(loaded));
    b.provider.destroy();
  });
});
