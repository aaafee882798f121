import { eq } from "drizzle-orm";
import { io as ioClient } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { users } from "../../server/auth/schema.ts";
import { createUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ownerWithProposal } from "../proposals/helpers.ts";

/**
 * One handshake stands behind the three doors, so the same request headers get the same verdict
 * at each: REST (a state-changing request), Socket.IO (the connect) and /yjs/ (the upgrade).
 */
let server: TestServer;
let goodCookie: string;
let mustChangeCookie: string;
let docName: string;

beforeAll(async () => {
  server = await startTestServer();
  const { owner, docName: name } = await ownerWithProposal(server);
  goodCookie = owner.client.cookie;
  docName = name;
  const fresh = await createUser(server, { role: "secretary", communityId: "wuxing" });
  await server.ctx.db.update(users).set({ mustChangePassword: true }).where(eq(users.id, fresh.user.id));
  mustChangeCookie = fresh.client.cookie;
});
afterAll(() => server?.close());

interface Headers {
  origin?: string;
  cookie?: string;
}

async function restVerdict(headers: Headers): Promise<string> {
  const res = await fetch(`${server.url}/api/notifications/read`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ all: true }),
  });
  if (res.ok) return "ok";
  return ((await res.json()) as { error: { code: string } }).error.code;
}

function socketVerdict(headers: Headers): Promise<string> {
  const socket = ioClient(server.url, {
    transports: ["websocket"],
    extraHeaders: { ...headers },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    socket.once("connect", () => {
      socket.close();
      resolve("ok");
    });
    socket.once("connect_error", (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

function yjsVerdict(headers: Headers): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/yjs/${encodeURIComponent(docName)}`, {
      headers: { ...headers },
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      resolve(101);
      ws.close();
    });
    ws.on("error", reject);
  });
}

describe("one handshake behind every door", () => {
  const cases: { name: string; headers: () => Headers; rest: string; socket: string; yjs: number }[] = [
    {
      name: "our own origin and a valid session",
      headers: () => ({ origin: server.url, cookie: goodCookie }),
      rest: "ok",
      socket: "ok",
      yjs: 101,
    },
    {
      name: "no Origin header (not a browser page) and a valid session",
      headers: () => ({ cookie: goodCookie }),
      rest: "ok",
      socket: "ok",
      yjs: 101,
    },
    {
      name: "another site's origin, even with a valid session",
      headers: () => ({ origin: "https://evil.example", cookie: goodCookie }),
      rest: "forbidden_origin",
      socket: "forbidden_origin",
      yjs: 403,
    },
    {
      name: "an Origin that is no URL",
      headers: () => ({ origin: "null", cookie: goodCookie }),
      rest: "forbidden_origin",
      socket: "forbidden_origin",
      yjs: 403,
    },
    {
      name: "no cookie",
      headers: () => ({ origin: server.url }),
      rest: "unauthorized",
      socket: "unauthorized",
      yjs: 401,
    },
    {
      name: "a made-up token",
      headers: () => ({ origin: server.url, cookie: `session=${"a".repeat(32)}` }),
      rest: "unauthorized",
      socket: "unauthorized",
      yjs: 401,
    },
    {
      name: "a cookie with a broken %-escape",
      headers: () => ({ origin: server.url, cookie: "session=%E0%A4%A" }),
      rest: "unauthorized",
      socket: "unauthorized",
      yjs: 401,
    },
    {
      name: "a session whose password must change first",
      headers: () => ({ origin: server.url, cookie: mustChangeCookie }),
      rest: "password_change_required",
      socket: "password_change_required",
      yjs: 403,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: REST ${c.rest}, Socket.IO ${c.socket}, /yjs/ ${c.yjs}`, async () => {
      expect(await restVerdict(c.headers())).toBe(c.rest);
      expect(await socketVerdict(c.headers())).toBe(c.socket);
      expect(await yjsVerdict(c.headers())).toBe(c.yjs);
    });
  }

  it("the server is still up and answering after every refusal", async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
  });
});
