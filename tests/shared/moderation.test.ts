import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkText, findSensitiveWord } from "../../server/moderation/index.ts";
import { normalizeForMatch } from "../../server/moderation/normalize.ts";
import { createUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("normalisation", () => {
  it("folds full-width letters, case, spaces, symbols and traditional characters", () => {
    expect(normalizeForMatch("ＡＢＣ abc")).toBe("abcabc");
    expect(normalizeForMatch("赌 · 博!")).toBe("赌博");
    expect(normalizeForMatch("賭博")).toBe("赌博");
    expect(normalizeForMatch("代開發票")).toBe("代开发票");
  });
});

describe("sensitive words", () => {
  it("an admin edits the list; others may not; the check matches disguised variants", async () => {
    const admin = await createUser(server, { role: "admin" });
    const worker = await createUser(server, { role: "worker" });
    expect((await worker.client.post("/api/moderation/words", { words: ["x"] })).status).toBe(403);
    const saved = await admin.client.post("/api/moderation/words", { words: ["赌博", "代开发票", "spam", "临时词"] });
    expect(saved.status).toBe(201);
    expect((await admin.client.get("/api/moderation/words")).body.words).toEqual(expect.arrayContaining(["spam", "代开发票", "赌博", "临时词"]));
    expect(await findSensitiveWord(server.ctx, "这是临时词")).toBe("临时词");
    expect((await admin.client.delete(`/api/moderation/words/${encodeURIComponent("临时词")}`)).status).toBe(200);
    expect((await admin.client.get("/api/moderation/words")).body.words).not.toContain("临时词");
    expect(await findSensitiveWord(server.ctx, "这是临时词")).toBeNull();

    for (const text of ["周末一起赌博吗", "赌 博", "賭-博", "ＳＰＡＭ来了", "s p a m", "可以代開發票"]) {
      expect(await findSensitiveWord(server.ctx, text), text).not.toBeNull();
    }
    expect(await findSensitiveWord(server.ctx, "居民议事会下周召开")).toBeNull();
    await expect(checkText(server.ctx, "正常内容", "有人赌博")).rejects.toMatchObject({ status: 400, code: "blocked_content" });
    await expect(checkText(server.ctx, "正常内容")).resolves.toBeUndefined();
  });

  it("refuses a malformed list", async () => {
    const admin = await createUser(server, { role: "admin" });
    expect((await admin.client.post("/api/moderation/words", { words: "赌博" })).status).toBe(400);
    expect((await admin.client.post("/api/moderation/words", { words: [""] })).status).toBe(400);
    expect((await admin.client.post("/api/moderation/words", { words: [] })).status).toBe(400);
  });
});
