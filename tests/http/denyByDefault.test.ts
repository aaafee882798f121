import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/**
 * The named allow-list of /api routes an anonymous visitor may call. Adding a route here is a
 * decision to make it public; every other registered route must answer 401 without a session.
 */
const PUBLIC_ROUTES = new Set([
  "GET /api/health",
  "GET /api/org",
  "POST /api/auth/register",
  "POST /api/auth/login",
  "POST /api/auth/logout",
  "GET /api/session",
  "GET /api/calendar/:file",
  // a forum room's state for the page's first render: {state: null} without a session (no 401 in the console)
  "GET /api/forums/:id/room",
  // 现场评议: a ballot code opens a guest session; these read the guest cookie, never a sign-in
  "GET /api/guest",
  "GET /api/guest/deck/:talkId",
  "POST /api/guest/code",
  "GET /api/guest/room",
  "GET /api/guest/venue/:code",
  "POST /api/guest/venue/:code",
]);

const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** The concrete routes (method + path) registered under /api, without middleware entries. */
function apiRoutes() {
  const seen = new Set<string>();
  const routes: { method: string; path: string }[] = [];
  for (const route of server.routes) {
    if (route.method === "ALL" || !route.path.startsWith("/api/") || route.path.includes("*")) continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push(route);
  }
  return routes;
}

describe("deny by default on /api", () => {
  it("finds the routes of every feature", () => {
    const paths = apiRoutes().map((r) => r.path);
    for (const prefix of [
      "/api/auth/",
      "/api/users",
      "/api/forums",
      "/api/studios",
      "/api/proposals",
      "/api/questions",
    ]) {
      expect(
        paths.some((p) => p.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });

  it("answers 401 to an anonymous call of every route that is not on the allow-list", async () => {
    const anonymous = new ApiClient(server.url);
    const publicSeen: string[] = [];
    for (const route of apiRoutes()) {
      const key = `${route.method} ${route.path}`;
      const path = route.path.replace(/:[A-Za-z]+/g, SAMPLE_ID);
      const res = await anonymous.request(route.method, path, route.method === "GET" ? undefined : {}, {
        origin: server.url,
      });
      if (PUBLIC_ROUTES.has(key)) {
        publicSeen.push(key);
        expect(res.status, key).not.toBe(401);
      } else {
        expect({ key, status: res.status, code: res.body?.error?.code }).toEqual({
          key,
          status: 401,
          code: "unauthorized",
        });
      }
    }
    expect(publicSeen.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it("answers 401, not 404, to an unknown /api path without a session", async () => {
    const res = await new ApiClient(server.url).get("/api/no-such-thing");
    expect(res.status).toBe(401);
  });
});
