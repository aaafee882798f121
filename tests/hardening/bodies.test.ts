import { readFileSync } from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/processes.ts";

/**
 * "No single request can use unbounded memory": junk bodies of every content type are cut off
 * before they are read. The server runs as its own process so its memory (VmRSS from
 * /proc/<pid>/status) can be watched from outside, without any test hook in the product.
 */

const MB = 1024 * 1024;
let server: ServerProcess;

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb * 1024;
}

interface JunkResult {
  status: number | null;
  /** bytes this client managed to hand to the socket before the server stopped it */
  sent: number;
  /** the server closed the connection (or answered) before the whole body went out */
  cutOff: boolean;
}

/**
 * Streams `total` bytes of generated junk to `path` without holding them in memory: chunk after
 * chunk, respecting back-pressure. `declared` sends a Content-Length, otherwise the body is chunked.
 */
function sendJunk(
  path: string,
  contentType: string,
  total: number,
  declared: boolean,
  cookie = "",
): Promise<JunkResult> {
  const boundary = `----junk${Math.random().toString(16).slice(2)}`;
  const type = contentType === "multipart/form-data" ? `${contentType}; boundary=${boundary}` : contentType;
  const chunk = Buffer.alloc(64 * 1024, contentType === "application/json" ? "[" : "A");
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n\r\n`);
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | null = null;
    let settled = false;
    const done = (cutOff: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ status, sent, cutOff });
    };
    const headers: Record<string, string | number> = { "content-type": type };
    if (declared) headers["content-length"] = total;
    if (cookie) headers.cookie = cookie;
    const req = http.request(`${server.url}${path}`, { method: "POST", headers });
    req.on("response", (res) => {
      status = res.statusCode ?? null;
      res.resume();
      res.on("end", () => {
        req.destroy();
        done(sent < total);
      });
    });
    req.on("error", () => done(sent < total));
    req.on("close", () => done(sent < total));
    const pump = () => {
      while (!settled && sent < total) {
        const piece =
          sent === 0 && contentType === "multipart/form-data"
            ? head
            : chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) return req.once("drain", pump);
      }
      if (sent >= total) req.end();
    };
    pump();
  });
}

beforeAll(async () => {
  // generous: a first PGlite start migrates, and the machine may be busy
  server = await startServerProcess({ LOG_LEVEL: "warn" }, 180_000);
}, 200_000);
afterAll(() => server?.stop());

describe("request bodies are limited before they are read", () => {
  it("a 300 MB junk multipart sign-in is cut off after a few MB and the server's memory barely moves", async () => {
    const pid = server.child.pid!;
    // Warm up the routes once so lazily loaded code is not counted as growth.
    await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const before = rssBytes(pid);
    let peak = before;
    const watch = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
    try {
      const chunked = await sendJunk("/api/auth/login", "multipart/form-data", 300 * MB, false);
      const declared = await sendJunk("/api/auth/login", "multipart/form-data", 300 * MB, true);
      for (const result of [chunked, declared]) {
        expect(result.cutOff).toBe(true);
        expect(result.sent).toBeLessThan(64 * MB);
        if (result.status !== null) expect(result.status).toBe(413);
      }
    } finally {
      clearInterval(watch);
    }
    peak = Math.max(peak, rssBytes(pid));
    expect(peak - before, `RSS grew from ${Math.round(before / MB)} MB to ${Math.round(peak / MB)} MB`).toBeLessThan(
      50 * MB,
    );
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  }, 120_000);

  it("every content type on every kind of route answers 413 and closes the connection", async () => {
    const pid = server.child.pid!;
    const before = rssBytes(pid);
    const types = [
      "application/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data",
      "text/plain",
      "application/octet-stream",
      "x-unknown/junk",
    ];
    const paths = [
      "/api/auth/register",
      "/api/questions",
      `/api/forums/${crypto.randomUUID()}/talks/${crypto.randomUUID()}/deck`,
      `/api/studios/${crypto.randomUUID()}/attachments`,
      "/api/no-such-route",
      "/no-such-page",
    ];
    for (const path of paths) {
      for (const type of types) {
        for (const declared of [true, false]) {
          const result = await sendJunk(path, type, 40 * MB, declared);
          const label = `${path} ${type} ${declared ? "Content-Length" : "chunked"}`;
          expect(result.cutOff, label).toBe(true);
          expect(result.sent, label).toBeLessThan(24 * MB);
          // Refused while still reading: 413, or for an anonymous upload route possibly 401 first.
          if (result.status !== null) expect([401, 404, 413], label).toContain(result.status);
        }
      }
    }
    expect(rssBytes(pid) - before).toBeLessThan(50 * MB);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  }, 240_000);

  it("a declared oversize body gets the contract's 413 and Connection: close before it is sent", async () => {
    const answer = await new Promise<{ status: number; connection: string; body: string }>((resolve, reject) => {
      const req = http.request(`${server.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x", "content-length": 300 * MB },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, connection: String(res.headers.connection), body });
          req.destroy();
        });
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe("close");
    expect(JSON.parse(answer.body).error.code).toBe("too_large");
  });
});
