import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../server/auth/passwords.ts";
import { users } from "../../server/auth/schema.ts";
import { openDatabase } from "../../server/db/client.ts";
import { seedOrg } from "../../server/db/seed.ts";
import { countRows } from "../../server/yjs/persistence.ts";
import { ApiClient, connectDoc, eventually, uniqueName, waitForSync } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { addMember, ownerWithProposal, sectionText } from "./helpers.ts";
import { freePort } from "../helpers/processes.ts";

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("proposal content survives the server", () => {
  it("survives a graceful restart of the server on the same database", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "proposal-restart-"));
    dirs.push(dataDir);
    let server: TestServer = await startTestServer({}, { dataDir });
    await seedOrg(server.ctx.db);
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const a = connectDoc(server, editor.client, docName);
    await waitForSync(a.provider);
    sectionText(a.doc, "风险与应对").insert(0, "汛期活动改为室内");
    // Stored: the template row and the edit.
    await eventually(async () => (await countRows(server.ctx.db, docName)) >= 2);
    a.provider.destroy();
    await server.close();

    server = await startTestServer({}, { dataDir });
    try {
      // Same cookies: sessions are in the database too.
      const client = new ApiClient(server.url);
      client.cookie = owner.client.cookie;
      expect((await client.get(`/api/proposals/${proposal.id}`)).body.proposal.title).toBe(proposal.title);
      const b = connectDoc(server, client, docName);
      await waitForSync(b.provider);
      expect(sectionText(b.doc, "风险与应对").toString()).toBe("汛期活动改为室内");
      b.provider.destroy();
    } finally {
      await server.close();
    }
  }, 90_000);

  it("an update relayed to another client survives SIGKILL of the server right after", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "proposal-kill-"));
    dirs.push(dataDir);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = { port, url: base } as TestServer;

    // Two accounts, made directly in the database before the server process owns it.
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir });
    const owner = { username: uniqueName("ko"), id: "" };
    const editor = { username: uniqueName("ke"), id: "" };
    await seedOrg(db.db);
    const passwordHash = await hashPassword("password123");
    for (const u of [owner, editor]) {
      const [row] = await db.db
        .insert(users)
        .values({
          username: u.username,
          displayName: "测试",
          passwordHash,
          role: "secretary",
          roles: ["secretary"],
          communityId: "wuxing",
        })
        .returning();
      u.id = row!.id;
    }
    await db.close();

    let child = await spawnServer(port, dataDir);
    const ownerClient = new ApiClient(base);
    const editorClient = new ApiClient(base);
    expect(
      (await ownerClient.post("/api/auth/login", { username: owner.username, password: "password123" })).status,
    ).toBe(200);
    expect(
      (await editorClient.post("/api/auth/login", { username: editor.username, password: "password123" })).status,
    ).toBe(200);
    const created = await ownerClient.post("/api/proposals", { title: "崩溃测试", communityId: "wuxing" });
    expect(created.status).toBe(201);
    const id = created.body.proposal.id as string;
    await ownerClient.post(`/api/proposals/${id}/members`, { userId: editor.id, role: "editor" });

    const a = connectDoc(server, ownerClient, `proposal:${id}`);
    const b = connectDoc(server, editorClient, `proposal:${id}`);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
    sectionText(a.doc, "预期成效").insert(0, "崩溃前的最后一笔");
    await eventually(() => sectionText(b.doc, "预期成效").toString() === "崩溃前的最后一笔", 5000, 1);
    child.kill("SIGKILL");
    // The clients forget everything, so only what the server stored can come back.
    a.provider.destroy();
    b.provider.destroy();
    await new Promise((resolve) => child.once("exit", resolve));

    child = await spawnServer(port, dataDir);
    const c = connectDoc(server, editorClient, `proposal:${id}`);
    await waitForSync(c.provider, 10_000);
    expect(sectionText(c.doc, "预期成效").toString()).toBe("崩溃前的最后一笔");
    c.provider.destroy();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }, 90_000);
});

/** The real server as its own process (`node --import tsx server/main.ts`), ready when /api/health answers. */
async function spawnServer(port: number, dataDir: string): Promise<ChildProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SEED_DEMO: "false",
    LOG_LEVEL: "error",
    NODE_ENV: "test",
  };
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
      return res?.status === 200;
    },
    40_000,
    100,
  );
  return child;
}
