import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../server/audit/schema.ts";
import { evidence } from "../../server/evidence/schema.ts";
import type { Commitment } from "../../shared/commitments.ts";
import { createUser, emitAck, type TestUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { clientId, joinForum } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function examination(host: TestUser, presenters: TestUser[], startsInDays: number) {
  const res = await host.client.post("/api/forums", {
    title: `群众考书记 ${startsInDays}`,
    mode: "examination",
    startsAt: inDays(startsInDays),
    talks: presenters.map((p, i) => ({ title: `述职 ${i + 1}`, presenterId: p.user.id, capability: "deliberation" })),
  });
  expect(res.status).toBe(201);
  return res.body.forum as { id: string; talks: { id: string }[] };
}

describe("承诺事项", () => {
  it("a promise made at 现场问政 is kept on the archive, the owner's page and the next forum of the same secretary; only the owner and organisers update it", async () => {
    const host = await createUser(server, { role: "secretary" });
    const secretary = await createUser(server, { role: "secretary" });
    const otherSecretary = await createUser(server, { role: "secretary" });
    const resident = await createUser(server, { role: "resident" });
    const organiser = await createUser(server, { role: "organiser" });
    const streetAdmin = await createUser(server, { role: "street_admin", streetId: "hedong" });

    const first = await examination(host, [secretary], 0.01);
    const h = await joinForum(server, host.client, first.id);
    const r = await joinForum(server, resident.client, first.id);
    const url = `/api/forums/${first.id}/commitments`;
    // nothing to promise before the forum starts
    expect((await host.client.post(url, { content: "早了", dueOn: "2031-01-01" })).status).toBe(409);
    expect((await emitAck(h.socket, "forum:control", { forumId: first.id, action: "start" })).ok).toBe(true);
    const asked = await emitAck(r.socket, "forum:ask", {
      forumId: first.id,
      text: "小区路灯坏了三个月了",
      anonymous: true,
      clientId: clientId(),
    });
    const questionId = asked.question.id;
    // a pending question can't be promised on yet
    expect((await host.client.post(url, { questionId, content: "修路灯", dueOn: "2031-01-01" })).status).toBe(409);
    expect((await emitAck(h.socket, "forum:moderate", { forumId: first.id, questionId, action: "approve" })).ok).toBe(
      true,
    );

    // only the host records it; the owner is the presenter of the question's talk
    expect((await resident.client.post(url, { questionId, content: "修路灯", dueOn: "2031-01-01" })).status).toBe(403);
    expect((await secretary.client.post(url, { questionId, content: "修路灯", dueOn: "2031-01-01" })).status).toBe(403);
    expect(
      (await host.client.post(url, { content: "无主承诺", dueOn: "2031-01-01", ownerId: otherSecretary.user.id }))
        .status,
    ).toBe(400);
    const created = await host.client.post(url, { questionId, content: "一个月内修好小区路灯", dueOn: "2031-01-31" });
    expect(created.status).toBe(201);
    const commitment = created.body.commitment as Commitment;
    expect(commitment).toMatchObject({
      ownerId: secretary.user.id,
      status: "ongoing",
      dueOn: "2031-01-31",
      questionId,
    });
    // the anonymous asker is not reachable through the commitment
    expect(JSON.stringify(created.body)).not.toContain(resident.user.id);

    // status: the owner and organisers over the forum's street; anyone else 403
    const patch = (who: TestUser, body: object) => who.client.patch(`/api/commitments/${commitment.id}`, body);
    for (const who of [host, otherSecretary, resident, streetAdmin]) {
      expect((await patch(who, { status: "done" })).status, who.user.role).toBe(403);
    }
    expect((await patch(secretary, { status: "bogus" })).status).toBe(400);
    const byOwner = await patch(secretary, { status: "ongoing", note: "已报修，等配件" });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body.commitment).toMatchObject({ status: "ongoing", note: "已报修，等配件", canUpdate: true });
    const byOrganiser = await patch(organiser, { status: "done", note: "三盏路灯已修复" });
    expect(byOrganiser.body.commitment).toMatchObject({ status: "done", note: "三盏路灯已修复" });

    // audited, and a kept promise is evidence in the owner's 成长档案 (once)
    const audits = await server.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "commitment"), eq(auditLog.targetId, commitment.id)));
    expect(audits.map((a) => a.action).sort()).toEqual(["commitment.create", "commitment.update", "commitment.update"]);
    expect(await patch(secretary, { status: "done", note: "三盏路灯已修复，居民验收" })).toMatchObject({ status: 200 });
    const kept = await server.ctx.db
      .select()
      .from(evidence)
      .where(and(eq(evidence.sourceKind, "commitment"), eq(evidence.sourceId, commitment.id)));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ userId: secretary.user.id, kind: "commitment_kept" });
    expect(kept[0]!.capabilities).toEqual(expect.arrayContaining(["service", "deliberation"]));

    expect((await emitAck(h.socket, "forum:control", { forumId: first.id, action: "end" })).ok).toBe(true);
    // on the archive, and in its Markdown
    const archive = await resident.client.get(`/api/forums/${first.id}/archive`);
    expect(archive.body.archive.commitments.map((c: Commitment) => c.id)).toEqual([commitment.id]);
    expect(archive.body.archive.commitments[0].canUpdate).toBe(false);
    const md = await resident.client.get(`/api/forums/${first.id}/archive?format=md`);
    expect(md.body).toContain("## 承诺事项");
    expect(md.body).toMatch(/【已完成】一个月内修好小区路灯/);

    // on the owner's own page
    const own = await secretary.client.get("/api/commitments");
    expect(own.body.commitments.map((c: Commitment) => c.id)).toEqual([commitment.id]);
    expect((await otherSecretary.client.get("/api/commitments")).body.commitments).toEqual([]);

    // at the next forum of the same secretary — not at a forum without them, nor at an earlier one
    const next = await examination(organiser, [otherSecretary, secretary], 3);
    const previous = await resident.client.get(`/api/forums/${next.id}/commitments/previous`);
    expect(previous.status).toBe(200);
    expect(previous.body.commitments).toHaveLength(1);
    expect(previous.body.commitments[0]).toMatchObject({
      id: commitment.id,
      ownerName: secretary.user.displayName,
      status: "done",
      forumId: first.id,
    });
    const without = await examination(organiser, [otherSecretary], 4);
    expect((await resident.client.get(`/api/forums/${without.id}/commitments/previous`)).body.commitments).toEqual([]);
    const earlier = await examination(organiser, [secretary], -10);
    expect((await resident.client.get(`/api/forums/${earlier.id}/commitments/previous`)).body.commitments).toEqual([]);
    expect((await resident.client.get(`/api/forums/${first.id}/commitments/previous`)).body.commitments).toEqual([]);

    for (const s of [h.socket, r.socket]) s.close();
  });
});
