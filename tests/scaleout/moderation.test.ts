import { describe, expect, it } from "vitest";
import { ApiClient, createUser } from "../helpers/clients.ts";
import { twoProcesses } from "./setup.ts";

const procs = twoProcesses();

describe("the sensitive-word list across two processes", () => {
  it("a word imported on A blocks a post on B within a second", async () => {
    const organiser = await createUser(procs.onA, { role: "admin" });
    const worker = await createUser(procs.onA, { role: "worker" });
    const onB = new ApiClient(procs.b.url);
    onB.cookie = worker.client.cookie;
    const word = `违禁测试${Date.now().toString(36)}`;
    const ask = (title: string) => onB.post("/api/questions", { title, body: "请各位老书记指点一下具体的做法" });

    // B has read (and cached) the list before the change.
    expect((await ask(`关于${word}的做法怎么样`)).status).toBe(201);

    const form = new FormData();
    form.set("file", new Blob([`\uFEFF# 测试词表\n${word}\n`], { type: "text/plain" }), "词表.txt");
    const imported = await organiser.client.post("/api/moderation/words/import", form, { origin: procs.a.url });
    expect(imported.body).toEqual({ read: 1, added: 1 });

    const started = Date.now();
    let status = 0;
    while (Date.now() - started < 1_000) {
      status = (await ask(`再问一次：${word.split("").join(" ")}怎么样`)).status;
      if (status === 400) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(400);
  });
});
