import { unzipSync, strFromU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { countRows } from "../../server/yjs/persistence.ts";
import { connectDoc, createUser, eventually, waitForSync } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { addMember, docText, fragment, ownerWithProposal, sectionText } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** Writes into the budget table's body rows (row 1.., cells of [item, amount, note]). */
function fillBudget(doc: Y.Doc, rows: string[][]) {
  const blocks = fragment(doc).toArray() as Y.XmlElement[];
  const table = blocks.find((b) => b.nodeName === "table")!;
  doc.transact(() => {
    rows.forEach((cells, r) =>
      cells.forEach((value, c) => {
        const cell = (table.get(r + 1) as Y.XmlElement).get(c) as Y.XmlElement;
        ((cell.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, value);
      }),
    );
  });
}

describe("proposals REST", () => {
  it("a secretary creates one for their own community; others are refused; the list filters by community and status", async () => {
    const { owner, proposal } = await ownerWithProposal(server, "议事厅项目");
    expect(proposal.status).toBe("draft");
    const worker = await createUser(server, { role: "worker", communityId: "wuxing" });
    expect((await worker.client.post("/api/proposals", { title: "x", communityId: "wuxing" })).status).toBe(403);
    const otherSec = await createUser(server, { role: "secretary", communityId: "gongyuan-2" });
    expect((await otherSec.client.post("/api/proposals", { title: "x", communityId: "wuxing" })).status).toBe(403);
    expect((await owner.client.post("/api/proposals", { title: "", communityId: "wuxing" })).status).toBe(400);

    const mine = (await owner.client.get("/api/proposals?communityId=wuxing&status=draft")).body.proposals;
    expect(mine.map((p: { id: string }) => p.id)).toContain(proposal.id);
    expect(mine[0].myRole).toBe("owner");
    expect((await owner.client.get("/api/proposals?status=approved")).body.proposals).toEqual([]);
    // A stranger sees neither the list entry nor the proposal.
    expect((await worker.client.get("/api/proposals")).body.proposals.map((p: { id: string }) => p.id)).not.toContain(
      proposal.id,
    );
    expect((await worker.client.get(`/api/proposals/${proposal.id}`)).status).toBe(403);
    expect((await worker.client.get(`/api/proposals/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("members: owner adds editors and viewers; a viewer may comment but not save versions", async () => {
    const { owner, proposal } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const detail = (await viewer.client.get(`/api/proposals/${proposal.id}`)).body.proposal;
    expect(detail.myRole).toBe("viewer");
    expect(detail.canEdit).toBe(false);
    expect(detail.members.map((m: { id: string; memberRole: string }) => [m.id, m.memberRole])).toEqual([
      [viewer.user.id, "viewer"],
    ]);
    expect(
      (await viewer.client.post(`/api/proposals/${proposal.id}/members`, { userId: viewer.user.id, role: "editor" }))
        .status,
    ).toBe(403);
    expect((await viewer.client.post(`/api/proposals/${proposal.id}/versions`, { name: "v" })).status).toBe(403);
  });

  it("restoring a version applies a new change that brings its content back, live to open editors", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const a = connectDoc(server, owner.client, docName);
    await waitForSync(a.provider);
    sectionText(a.doc, "项目目标").insert(0, "覆盖 80% 楼栋");
    await eventually(async () => (await countRows(server.ctx.db, docName)) >= 2);
    const saved = await owner.client.post(`/api/proposals/${proposal.id}/versions`, { name: "初稿" });
    expect(saved.status).toBe(201);
    const atVersion = docText(a.doc);

    sectionText(a.doc, "项目目标").delete(0, 4);
    sectionText(a.doc, "预期成效").insert(0, "后来加的");
    await eventually(() => !docText(a.doc).includes("覆盖 80%"));
    // View the version read-only.
    const content = (await owner.client.get(`/api/proposals/${proposal.id}/versions/${saved.body.version.id}`)).body
      .content;
    expect(JSON.stringify(content)).toContain("覆盖 80% 楼栋");

    const restored = await owner.client.post(`/api/proposals/${proposal.id}/versions/${saved.body.version.id}/restore`);
    expect(restored.status).toBe(200);
    await eventually(() => docText(a.doc) === atVersion);
    a.provider.destroy();
    await eventually(() => server.ctx.yjs.openDocuments === 0);
    // Stored too; and the history before the restore is still in the versions list.
    const b = connectDoc(server, owner.client, docName);
    await waitForSync(b.provider);
    expect(docText(b.doc)).toBe(atVersion);
    b.provider.destroy();
  });

  it("restoring a version of a document nobody has open stores the change and leaves nothing loaded", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const first = await owner.client.post(`/api/proposals/${proposal.id}/versions`, { name: "模板" });
    const a = connectDoc(server, owner.client, docName);
    await waitForSync(a.provider);
    sectionText(a.doc, "评估指标").insert(0, "改动");
    await eventually(async () => (await countRows(server.ctx.db, docName)) >= 2);
    a.provider.destroy();
    await eventually(() => server.ctx.yjs.openDocuments === 0);

    expect(
      (await owner.client.post(`/api/proposals/${proposal.id}/versions/${first.body.version.id}/restore`)).status,
    ).toBe(200);
    expect(server.ctx.yjs.openDocuments).toBe(0);
    const b = connectDoc(server, owner.client, docName);
    await waitForSync(b.provider);
    expect(sectionText(b.doc, "评估指标").toString()).toBe("");
    expect(sectionText(b.doc, "项目名称").toString()).toBe(proposal.title);
    b.provider.destroy();
  });

  it("exports Markdown and a .docx that unzips and holds the section text and the budget table with its total", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server, "红色管家");
    const a = connectDoc(server, owner.client, docName);
    await waitForSync(a.provider);
    sectionText(a.doc, "背景与问题").insert(0, "楼道堆物问题突出");
    fillBudget(a.doc, [
      ["培训", "1,200", "四期"],
      ["物料", "800.5", ""],
    ]);
    await eventually(async () => {
      await server.ctx.yjs.settled();
      const md = await owner.client.get(`/api/proposals/${proposal.id}/export?format=md`);
      return typeof md.body === "string" && md.body.includes("| 培训 | 1,200 | 四期 |");
    });
    const md = await owner.client.get(`/api/proposals/${proposal.id}/export?format=md`);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(md.body).toContain("## 背景与问题");
    expect(md.body).toContain("楼道堆物问题突出");
    expect(md.body).toContain("预算合计：2,000.5 元");

    const res = await fetch(`${server.url}/api/proposals/${proposal.id}/export?format=docx`, {
      headers: { cookie: owner.client.cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("wordprocessingml");
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const xml = strFromU8(files["word/document.xml"]!);
    const text = xml.replace(/<[^>]+>/g, "");
    for (const section of ["项目名称", "背景与问题", "预算", "预期成效"]) expect(text).toContain(section);
    expect(text).toContain("楼道堆物问题突出");
    expect(xml).toContain("<w:tbl>");
    expect(text).toContain("培训");
    expect(text).toContain("预算合计：2,000.5 元");

    // A version's export shows the content at that version.
    const v = await owner.client.post(`/api/proposals/${proposal.id}/versions`, { name: "v1" });
    sectionText(a.doc, "背景与问题").insert(0, "新增");
    const old = await owner.client.get(`/api/proposals/${proposal.id}/export?format=md&versionId=${v.body.version.id}`);
    expect(old.body).toContain("\n楼道堆物问题突出");
    expect((await owner.client.get(`/api/proposals/${proposal.id}/export?format=pdf`)).status).toBe(400);
    a.provider.destroy();
  });

  it("a comment anchor (Yjs relative positions) follows text inserted before it; replies and resolve", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const a = connectDoc(server, owner.client, docName);
    await waitForSync(a.provider);
    const text = sectionText(a.doc, "项目目标");
    text.insert(0, "建立楼栋议事会");
    await eventually(async () => (await countRows(server.ctx.db, docName)) >= 2);

    // The viewer selects 议事会 (index 4..7) in their own copy and starts a thread.
    const v = connectDoc(server, viewer.client, docName);
    await waitForSync(v.provider);
    await eventually(() => sectionText(v.doc, "项目目标").toString() === "建立楼栋议事会");
    const vt = sectionText(v.doc, "项目目标");
    const enc = (i: number) =>
      Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(vt, i))).toString("base64");
    const created = await viewer.client.post(`/api/proposals/${proposal.id}/comments`, {
      anchor: { start: enc(4), end: enc(7) },
      quote: "议事会",
      body: "议事会多久开一次？",
    });
    expect(created.status).toBe(201);
    const reply = await owner.client.post(`/api/proposals/${proposal.id}/comments`, {
      parentId: created.body.comment.id,
      body: "每月一次",
    });
    expect(reply.status).toBe(201);

    // Text inserted before the anchor by the owner.
    text.insert(0, "在每个小区");
    await eventually(() => sectionText(v.doc, "项目目标").toString() === "在每个小区建立楼栋议事会");
    const comments = (await viewer.client.get(`/api/proposals/${proposal.id}/comments`)).body.comments;
    const root = comments.find((c: { parentId: string | null }) => !c.parentId);
    const pos = (b64: string) =>
      Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(Buffer.from(b64, "base64")), v.doc)!.index;
    const start = pos(root.anchor.start);
    const end = pos(root.anchor.end);
    expect(sectionText(v.doc, "项目目标").toString().slice(start, end)).toBe("议事会");
    expect(comments.find((c: { parentId: string | null }) => c.parentId === root.id).body).toBe("每月一次");

    expect(
      (await viewer.client.post(`/api/proposals/${proposal.id}/comments/${root.id}/resolve`, { resolved: true }))
        .status,
    ).toBe(200);
    expect(
      (await owner.client.get(`/api/proposals/${proposal.id}/comments`)).body.comments.find(
        (c: { id: string }) => c.id === root.id,
      ).resolved,
    ).toBe(true);
    const stranger = await createUser(server, { role: "worker" });
    expect(
      (await stranger.client.post(`/api/proposals/${proposal.id}/comments`, { parentId: root.id, body: "x" })).status,
    ).toBe(403);
    expect(
      (
        await viewer.client.post(`/api/proposals/${proposal.id}/comments`, {
          anchor: { start: "!!", end: "x" },
          quote: "",
          body: "x",
        })
      ).status,
    ).toBe(400);
    a.provider.destroy();
    v.provider.destroy();
  });

  it("review: admin assigns a mentor; submit → reviewer scores (in_review) → returned → resubmitted → approved; owner sees the aggregate", async () => {
    const { owner, proposal } = await ownerWithProposal(server);
    const admin = await createUser(server, { role: "admin" });
    const mentor = await createUser(server, { role: "mentor" });
    const mentor2 = await createUser(server, { role: "mentor" });
    const worker = await createUser(server, { role: "worker" });
    const base = `/api/proposals/${proposal.id}`;
    expect((await owner.client.post(`${base}/reviewers`, { userId: mentor.user.id })).status).toBe(403);
    expect((await admin.client.post(`${base}/reviewers`, { userId: worker.user.id })).status).toBe(400);
    expect((await admin.client.post(`${base}/reviewers`, { userId: mentor.user.id })).status).toBe(200);
    expect((await admin.client.post(`${base}/reviewers`, { userId: mentor2.user.id })).status).toBe(200);
    expect((await mentor.client.get(base)).body.proposal.myRole).toBe("reviewer");

    const scores = { innovation: 5, feasibility: 4, capability: 4, budget: 3, outcome: 4 };
    expect((await mentor.client.post(`${base}/reviews`, { scores, comment: "好" })).status).toBe(403); // not submitted yet
    expect((await mentor.client.post(`${base}/submit`)).status).toBe(403);
    expect((await owner.client.post(`${base}/submit`)).body.proposal.status).toBe("submitted");
    expect((await owner.client.post(`${base}/submit`)).status).toBe(409);
    expect(
      (await mentor.client.post(`${base}/reviews`, { scores: { ...scores, budget: 6 }, comment: "" })).status,
    ).toBe(400);
    expect((await mentor.client.post(`${base}/reviews`, { scores, comment: "创新性强" })).status).toBe(201);
    expect(
      (await mentor2.client.post(`${base}/reviews`, { scores: { ...scores, innovation: 3 }, comment: "预算偏高" }))
        .status,
    ).toBe(201);
    expect((await owner.client.get(base)).body.proposal.status).toBe("in_review");

    const seen = (await owner.client.get(`${base}/reviews`)).body;
    expect(seen.reviews).toHaveLength(2);
    expect(seen.aggregates[0]).toMatchObject({ round: 1, count: 2, meanTotal: 19 });
    expect(seen.aggregates[0].means.innovation).toBe(4);
    // A reviewer sees only their own score.
    expect((await mentor.client.get(`${base}/reviews`)).body.reviews).toHaveLength(1);

    expect((await owner.client.post(`${base}/approve`)).status).toBe(403);
    expect((await mentor.client.post(`${base}/return`, { reason: "请细化预算" })).body.proposal.status).toBe(
      "returned",
    );
    expect((await owner.client.get(base)).body.proposal.canEdit).toBe(true);
    const again = (await owner.client.post(`${base}/submit`)).body.proposal;
    expect(again).toMatchObject({ status: "submitted", round: 2 });
    expect((await admin.client.post(`${base}/approve`)).body.proposal.status).toBe("approved");
    const names = (await owner.client.get(`${base}/versions`)).body.versions.map((v: { name: string }) => v.name);
    expect(names).toEqual(expect.arrayContaining(["第1轮 提交", "第2轮 提交"]));
  });
});
