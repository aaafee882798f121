import { eq } from "drizzle-orm";
import { io as ioClient, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { User } from "../../shared/auth.ts";
import { type Flag, type Level, primaryRole, type Role } from "../../shared/enums.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "../../shared/events.ts";
import { hashPassword } from "../../server/auth/passwords.ts";
import { users } from "../../server/auth/schema.ts";
import type { Db } from "../../server/db/client.ts";

/** A running server in this process (TestServer) or in another one, with a handle on its database. */
export interface ServerLike {
  url: string;
  port: number;
  ctx: { db: Db };
}

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A signed-in (or anonymous) HTTP client that keeps its session cookie like a browser. */
export class ApiClient {
  cookie = "";
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.cookie) (init.headers as Record<string, string>).cookie = this.cookie;
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(this.baseUrl + path, init);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("session="));
    if (setCookie) {
      const value = setCookie.split(";")[0]!;
      this.cookie = value === "session=" || /Max-Age=0/i.test(setCookie) ? "" : value;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, body ?? {}, headers);
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>("PATCH", path, body ?? {});
  }
  delete<T = any>(path: string) {
    return this.request<T>("DELETE", path);
  }
}

let counter = 0;
/** A username no other test (or test run on the shared PostgreSQL) has used. */
export function uniqueName(prefix = "u"): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${counter}`;
}

const passwordHash = hashPassword("password123");

export interface TestUser {
  user: User;
  client: ApiClient;
}

/**
 * Factory: a user with the given role (or several: `roles`, the first-in-precedence becomes the
 * primary role; flags, hire date, managed street, phone), signed in through the real login route.
 */
export async function createUser(
  server: ServerLike,
  options: {
    role?: Role;
    /** the whole role set; defaults to `[role]` */
    roles?: Role[];
    flags?: Flag[];
    /** YYYY-MM-DD */
    hireDate?: string | null;
    /** the street a street admin manages */
    streetId?: string | null;
    phone?: string | null;
    level?: Level;
    communityId?: string | null;
    partyMember?: boolean;
    displayName?: string;
  } = {},
): Promise<TestUser> {
  const roles = options.roles ?? [options.role ?? "worker"];
  const username = uniqueName(primaryRole(roles).replace("_", ""));
  await server.ctx.db.insert(users).values({
    username,
    displayName: options.displayName ?? `测试${username.slice(-4)}`,
    passwordHash: await passwordHash,
    role: primaryRole(roles),
    roles,
    flags: options.flags ?? [],
    hireDate: options.hireDate ?? null,
    streetId: options.streetId ?? null,
    phone: options.phone ?? null,
    level: options.level ?? "novice",
    communityId: options.communityId ?? null,
    partyMember: options.partyMember ?? false,
  });
  const client = new ApiClient(server.url);
  const res = await client.post("/api/auth/login", { username, password: "password123" });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { user: res.body.user, client };
}

export async function findUserRow(server: ServerLike, id: string) {
  const [row] = await server.ctx.db.select().from(users).where(eq(users.id, id));
  return row;
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io-client connection carrying the client's session cookie. */
export function connectSocket(server: ServerLike, client: ApiClient | null): Promise<TestSocket> {
  const socket: TestSocket = ioClient(server.url, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: client?.cookie ? { cookie: client.cookie } : {},
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Sends an event and waits for its acknowledgement. */
export function emitAck<T = any>(socket: TestSocket, event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  return (socket as unknown as Socket).timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/** Resolves with the next payload of `event` (or rejects after `timeoutMs`). */
export function nextEvent<T = any>(socket: TestSocket, event: string, timeoutMs = 5000): Promise<T> {
  const s = socket as unknown as Socket;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      clearTimeout(timer);
      s.off(event, handler);
      resolve(payload);
    };
    s.on(event, handler);
  });
}

/** A `ws` subclass that sends the session cookie, as a browser would on the /yjs/ upgrade. */
function cookieWebSocket(cookie: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: cookie ? { cookie } : {} });
    }
  };
}

/** A real y-websocket provider (the browser's) connected to /yjs/<docName>. */
export function connectDoc(server: ServerLike, client: ApiClient | null, docName: string, doc = new Y.Doc()) {
  const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/yjs`, docName, doc, {
    WebSocketPolyfill: cookieWebSocket(client?.cookie ?? "") as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: true,
    maxBackoffTime: 500,
  });
  return { doc, provider };
}

export function waitForSync(provider: WebsocketProvider, timeoutMs = 5000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("provider did not sync")), timeoutMs);
    provider.once("sync", (synced: boolean) => {
      if (synced) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Polls `check` until it returns truthy (bounded), for state that arrives asynchronously. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw last instanceof Error ? last : new Error("condition not met in time");
}

/** Opens a raw WebSocket upgrade and resolves with the HTTP status the server answers (101 when accepted). */
export function upgradeStatus(server: ServerLike, path: string, cookie = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers: cookie ? { cookie } : {} });
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
