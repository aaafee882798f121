import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../server/db/client.ts";
import {
  ApiClient,
  connectSocket,
  createUser,
  emitAck,
  eventually,
  nextEvent,
  type ServerLike,
} from "../helpers/clients.ts";
import { type ServerProcess, startServerProcess } from "../helpers/processes.ts";
import type { TestServer } from "../helpers/server.ts";
import { createStudio } from "../studios/helpers.ts";

/**
 * "Dependencies fail softly": Redis stops under a running process. This test owns its Redis (a
 * private redis-server on port 6392 it can stop and start again), so the shared one of the suite
 * is never touched.
 */

const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_PORT = 6392;
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;

let redis: ChildProcess | undefined;
let proc: ServerProcess;
let database: Database;
let on: ServerLike;

async function startRedis(): Promise<void> {
  redis = spawn(
    "redis-server",
    ["--port", String(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  await eventually(
    async () => {
      const { Redis } = await import("ioredis");
      const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => {}); // "not up yet" is the expected answer while polling
      try {
        await probe.connect();
        return (await probe.ping()) === "PONG";
      } finally {
        probe.disconnect();
      }
    },
    10_000,
    100,
  );
}

async function stopRedis(): Promise<void> {
  const child = redis;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

async function health() {
  const res = await fetch(`${proc.url}/api/health`);
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  if (!DATABASE_URL) throw new Error("the scale-out suite needs DATABASE_URL");
  await startRedis();
  database = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: "unused" });
  proc = await startServerProcess({ DATABASE_URL, REDIS_URL });
  on = { url: proc.url, port: proc.port, ctx: { db: database.db } };
}, 120_000);

afterAll(async () => {
  await proc?.stop();
  await database?.close();
  await stopRedis();
});

describe("while Redis is down", () => {
  it("sign-in, same-process chat and commits go on, health says 503, and all recovers when Redis returns", async () => {
    const before = await health();
    expect(before.status).toBe(200);
    expect(before.body.dependencies).toEqual({ db: "up", redis: "up" });
    const { studio, mentor, mentees } = await createStudio(on as TestServer, { menteeCount: 2 });

    await stopRedis();
    const down = await eventually(
      async () => {
        const now = await health();
        return now.status === 503 ? now : null;
      },
      10_000,
      100,
    );
    expect(down!.body).toMatchObject({
      ok: false,
      db: "postgres",
      scaleOut: "redis",
      dependencies: { db: "up", redis: "down" },
    });
    expect(down!.body.startedAt).toBe(before.body.startedAt);

    // Sign-in (its throttles now count in memory) and a wrong password both answer as usual.
    const signedIn = await createUser(on);
    expect((await signedIn.client.get("/api/me")).status).toBe(200);
    const wrong = await new ApiClient(proc.url).post("/api/auth/login", {
      username: signedIn.user.username,
      password: "wrong-pass",
    });
    expect(wrong.status).toBe(401);

    // Two people on this process chat: the line arrives and is committed.
    const mentorSocket = await connectSocket(on, mentor.client);
    const menteeSocket = await connectSocket(on, mentees[0]!.client);
    for (const socket of [mentorSocket, menteeSocket]) {
      const joined = await emitAck(socket, "studio:join", { studioId: studio.id, lastSeq: 0 }, 10_000);
      expect(joined.ok, JSON.stringify(joined)).toBe(true);
    }
    const arrived = nextEvent(menteeSocket, "studio:message", 10_000);
    const ack = await emitAck(
      mentorSocket,
      "studio:send",
      { studioId: studio.id, text: "Redis 停了也能聊", clientId: `outage-${studio.id}` },
      10_000,
    );
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    expect((await arrived).message.text).toBe("Redis 停了也能聊");
    const history = await mentor.client.get(`/api/studios/${studio.id}/messages`);
    expect(history.body.messages.map((m: { id: string }) => m.id)).toContain(ack.message.id);

    // Redis comes back: health recovers without a restart, and so does Redis-backed delivery.
    await startRedis();
    const up = await eventually(
      async () => {
        const now = await health();
        return now.status === 200 ? now : null;
      },
      30_000,
      200,
    );
    expect(up!.body.dependencies).toEqual({ db: "up", redis: "up" });
    expect(up!.body.startedAt).toBe(before.body.startedAt);
    const again = nextEvent(menteeSocket, "studio:message", 10_000);
    const second = await emitAck(
      mentorSocket,
      "studio:send",
      { studioId: studio.id, text: "恢复了", clientId: `outage2-${studio.id}` },
      10_000,
    );
    expect(second.ok).toBe(true);
    expect((await again).message.text).toBe("恢复了");
    mentorSocket.close();
    menteeSocket.close();
  }, 90_000);
});
