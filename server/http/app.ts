import { existsSync, readFileSync } from "node:fs";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { requestId } from "hono/request-id";
import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";
import { AppError, passwordChangeRequired } from "../lib/errors.ts";
import { limitBody } from "./bodyLimit.ts";
import { healthRoute } from "./health.ts";
import { securityHeaders } from "./securityHeaders.ts";
import { assertOwnOrigin, type DoorRequest, findSession, HandshakeError } from "../auth/handshake.ts";
import { setSessionCookie } from "./cookies.ts";
import { fromRoot } from "../lib/paths.ts";
import { type ApiEnv, type PublicEnv, requireSignIn } from "./env.ts";

const CLIENT_DIST = fromRoot("client", "dist");

/** The HTTP door: /api routes from every feature, then the built client with an SPA fallback. */
export function createHttpApp(ctx: AppContext, features: Feature[]): Hono<PublicEnv> {
  const app = new Hono<PublicEnv>();
  app.onError((error, c) => renderError(ctx, error, c));
  app.use("*", securityHeaders());
  // Pages and files never read a body, but a junk one must still not be drained for ever.
  const limitPageBody = limitBody(ctx.config);
  app.use("*", (c, next) => (c.req.path.startsWith("/api/") ? next() : limitPageBody(c, next)));

  const api = new Hono<PublicEnv>();
  api.use(requestId());
  api.use(requestLog(ctx));
  api.use(refuseCrossSite(ctx));
  api.use(loadSession(ctx));
  api.use(limitBody(ctx.config));
  healthRoute(api, ctx);
  for (const feature of features) feature.publicRoutes?.(api, ctx);
  // Deny by default: Hono runs matching handlers in the order they were added, so a public
  // route above answers before this check, and every route below it needs a session.
  api.use(requireSignIn);
  const signedIn = new Hono<ApiEnv>();
  for (const feature of features) feature.routes?.(signedIn, ctx);
  signedIn.all("*", (c) => c.json({ error: { code: "not_found", message: "接口不存在" } }, 404));
  api.route("/", signedIn);
  api.onError((error, c) => renderError(ctx, error, c));
  app.route("/api", api);

  serveClient(app);
  return app;
}

function renderError(ctx: AppContext, error: Error, c: import("hono").Context<PublicEnv>) {
  if (error instanceof AppError) {
    if (error.retryAfterSeconds) c.header("Retry-After", String(error.retryAfterSeconds));
    // The rest of an oversized or refused upload is never read, so this connection cannot carry another request.
    if (error.status === 413 || c.req.header("content-type")?.startsWith("multipart/form-data"))
      c.header("Connection", "close");
    return c.json(error.toBody(), error.status as 400);
  }
  (c.get("log") ?? ctx.log).error({ err: error }, "unhandled error");
  return c.json({ error: { code: "internal", message: "服务器内部错误，请稍后再试" } }, 500);
}

function requestLog(ctx: AppContext): MiddlewareHandler<PublicEnv> {
  return async (c, next) => {
    const log = ctx.log.child({ requestId: c.get("requestId") });
    c.set("log", log);
    const started = performance.now();
    await next();
    log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      "request",
    );
  };
}

/** CSRF protection: state-changing requests must come from our own origin. */
function refuseCrossSite(ctx: AppContext): MiddlewareHandler<PublicEnv> {
  return async (c, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(c.req.method)) return next();
    try {
      if (c.req.header("sec-fetch-site") === "cross-site") throw new HandshakeError("forbidden_origin");
      assertOwnOrigin(doorRequest(c), ctx.config.PUBLIC_ORIGIN);
    } catch (error) {
      if (error instanceof HandshakeError) throw new AppError(403, "forbidden_origin", "拒绝来自其他网站的请求");
      throw error;
    }
    return next();
  };
}

function doorRequest(c: import("hono").Context): DoorRequest {
  return { origin: c.req.header("origin"), host: c.req.header("host"), cookie: c.req.header("cookie") };
}

/**
 * What someone holding an initial or temporary password may still do: read who they are, change
 * the password, sign out — and the public routes that don't act as anyone.
 */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set([
  "GET /api/me",
  "GET /api/session",
  "POST /api/auth/password",
  "POST /api/auth/logout",
  "POST /api/auth/login",
  "GET /api/health",
  "GET /api/org",
]);

function loadSession(ctx: AppContext): MiddlewareHandler<PublicEnv> {
  return async (c, next) => {
    c.set("user", null);
    c.set("session", null);
    // Anonymous requests go on: the deny-by-default check behind the allow-list refuses them.
    const found = await findSession(ctx.sessions, doorRequest(c));
    if (found) {
      c.set("user", found.user);
      c.set("session", found.session);
      if (found.renewed) setSessionCookie(c, ctx.config, found.token, found.session.expiresAt);
      if (found.user.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(`${c.req.method} ${c.req.path}`)) {
        throw passwordChangeRequired();
      }
    }
    return next();
  };
}

/**
 * The built client. Hashed files under /assets never change, so browsers keep them for a year;
 * index.html (and the SPA fallback) must be revalidated so a new release is picked up at once.
 * Text files are served from the .br / .gz made at build time when the browser accepts them.
 * A page people open cold (a forum's QR code, a ballot code, sign-in) gets the build's copy of
 * index.html that fetches everything the page runs at once (client/vite/firstLoads.ts).
 */
function serveClient(app: Hono<PublicEnv>): void {
  const cacheHeaders = (path: string, c: import("hono").Context) => {
    c.header("Cache-Control", path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  };
  const firstLoads = readFirstLoads();
  app.use("/*", serveStatic({ root: CLIENT_DIST, precompressed: true, onFound: cacheHeaders }));
  app.get("*", async (c) => {
    if (!existsSync(`${CLIENT_DIST}/index.html`)) {
      return c.text("客户端尚未构建：请运行 npm start（会自动构建）或 npm run build。", 503);
    }
    const html = firstLoads.find((page) => page.pattern.test(c.req.path))?.html ?? "index.html";
    return serveStatic({ root: CLIENT_DIST, path: html, precompressed: true, onFound: cacheHeaders })(
      c,
      async () => {},
    );
  });
}

/** What the server reads of client/dist/first-load/routes.json: each answer stays inside first-load/. */
const FirstLoadRoutesSchema = z.array(
  z.object({ pattern: z.string().min(1), html: z.string().regex(/^first-load\/[a-z0-9-]+\.html$/) }),
);

/** The build's first-load pages; none when the client is not built (or was built without them). */
function readFirstLoads(): { pattern: RegExp; html: string }[] {
  const file = `${CLIENT_DIST}/first-load/routes.json`;
  if (!existsSync(file)) return [];
  const routes = FirstLoadRoutesSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  return routes.map((route) => ({ pattern: new RegExp(route.pattern), html: route.html }));
}
