import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../server/audit/schema.ts";
import { users } from "../../server/auth/schema.ts";
import { checkText } from "../../server/moderation/service.ts";
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
    expect((await admin.client.get("/api/moderation/words")).body.words).toEqual(
      expect.arrayContaining(["spam", "代开发票", "赌博", "临时词"]),
    );
    expect(await server.ctx.words.find("这是临时词")).toBe("临时词");
    expect((await admin.client.delete(`/api/moderation/words/${encodeURIComponent("临时词")}`)).status).toBe(200);
    expect((await admin.client.get("/api/moderation/words")).body.words).not.toContain("临时词");
    expect(await server.ctx.words.find("这是临时词")).toBeNull();

    for (const text of ["周末一起赌博吗", "赌 博", "賭-博", "ＳＰＡＭ来了", "s p a m", "可以代開發票"]) {
      expect(await server.ctx.words.find(text), text).not.toBeNull();
    }
    expect(await server.ctx.words.find("居民议事会下周召开")).toBeNull();
    await expect(checkText(server.ctx, "正常内容", "有人赌博")).rejects.toMatchObject({
      status: 400,
      code: "blocked_content",
    });
    await expect(checkText(server.ctx, "正常内容")).resolves.toBeUndefined();
  });

  it("refuses a malformed list", async () => {
    const admin = await createUser(server, { role: "admin" });
    expect((await admin.client.post("/api/moderation/words", { words: "赌博" })).status).toBe(400);
    expect((await admin.client.post("/api/moderation/words", { words: [""] })).status).toBe(400);
    expect((await admin.client.post("/api/moderation/words", { words: [] })).status).toBe(400);
  });
});

describe("organisers manage the list", () => {
  it("imports a .txt list, tests a sentence, removes a word, and every change is audited", async () => {
    const organiser = await createUser(server, { role: "worker" });
    await server.ctx.db
      .update(users)
      .set({ roles: ["organiser"], role: "organiser" })
      .where(eq(users.id, organiser.user.id));
    const secretary = await createUser(server, { role: "secretary" });

    const word = `导入词${Date.now().toString(36)}`;
    const form = () => {
      const f = new FormData();
      f.set("file", new Blob([`\uFEFF${word}\r\n\r\n# 注释行\r\n高利贷\r\n`]), "list.txt");
      return f;
    };
    expect((await secretary.client.post("/api/moderation/words/import", form(), { origin: server.url })).status).toBe(
      403,
    );
    const imported = await organiser.client.post("/api/moderation/words/import", form(), { origin: server.url });
    expect(imported.status).toBe(200);
    expect(imported.body.read).toBe(2);

    const tested = await organiser.client.post("/api/moderation/words/test", {
      text: `有人在说 ${word.split("").join("·")} 的事`,
    });
    expect(tested.body.matches).toEqual([word]);
    expect((await organiser.client.post("/api/moderation/words/test", { text: "居民议事会" })).body.matches).toEqual(
      [],
    );
    expect((await secretary.client.post("/api/moderation/words/test", { text: "x" })).status).toBe(403);

    const gbk = new FormData();
    gbk.set("file", new Blob([new Uint8Array([0xb6, 0xc4, 0xb2, 0xa9, 0xff])]), "list.txt");
    const refused = await organiser.client.post("/api/moderation/words/import", gbk, { origin: server.url });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("UTF-8");

    expect((await organiser.client.delete(`/api/moderation/words/${encodeURIComponent(word)}`)).status).toBe(200);
    expect(await server.ctx.words.find(word)).toBeNull();
    const audit = await server.ctx.db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.action, ["moderation.words_import", "moderation.words_remove"]));
    expect(
      audit
        .filter((a) => a.actorId === organiser.user.id)
        .map((a) => a.action)
        .sort(),
    ).toEqual(["moderation.words_import", "moderation.words_remove"]);
  });
});
