import { getConnInfo } from "@hono/node-server/conninfo";
import type { Hono } from "hono";
import { ChangePasswordSchema, LoginSchema, OwnAccountPatchSchema, RegisterSchema } from "../../shared/auth.ts";
import { updateOwnAccount } from "../accounts/service.ts";
import type { AppContext } from "../context.ts";
import { clearSessionCookie, setSessionCookie } from "../http/cookies.ts";
import { type ApiEnv, type PublicContext, type PublicEnv, readJson } from "../http/env.ts";
import { changePassword, registerUser, signIn, startSession } from "./service.ts";
import { toPublicUser } from "./users.ts";

function clientAddress(c: PublicContext, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return getConnInfo(c).remote.address ?? "unknown";
}

/** Registration, sign-in, sign-out and the session check: the only auth routes an anonymous visitor may call. */
export function authPublicRoutes(api: Hono<PublicEnv>, ctx: AppContext): void {
  api.post("/auth/register", async (c) => {
    const input = await readJson(c, RegisterSchema);
    const user = await registerUser(ctx, input, clientAddress(c, ctx.config.TRUST_PROXY));
    const { token, session } = await startSession(ctx, user.id);
    setSessionCookie(c, ctx.config, token, session.expiresAt);
    return c.json({ user: toPublicUser(user) }, 201);
  });

  api.post("/auth/login", async (c) => {
    const input = await readJson(c, LoginSchema);
    const user = await signIn(ctx, input, clientAddress(c, ctx.config.TRUST_PROXY));
    const { token, session } = await startSession(ctx, user.id);
    setSessionCookie(c, ctx.config, token, session.expiresAt);
    return c.json({ user: toPublicUser(user) });
  });

  // Who this browser is, or null: the client's session check, which a signed-out visitor on the
  // sign-in page must be able to make without a 401 in the console (GET /api/me stays as it is).
  api.get("/session", (c) => c.json({ user: c.var.user ? toPublicUser(c.var.user) : null }));

  api.post("/auth/logout", async (c) => {
    const session = c.get("session");
    if (session) await ctx.endSession(session.id, session.userId);
    clearSessionCookie(c);
    return c.json({ ok: true });
  });
}

export function authRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.post("/auth/password", async (c) => {
    const user = c.var.user;
    const input = await readJson(c, ChangePasswordSchema);
    const { token, session } = await changePassword(ctx, user, input);
    setSessionCookie(c, ctx.config, token, session.expiresAt);
    return c.json({ ok: true });
  });

  api.get("/me", (c) => c.json({ user: toPublicUser(c.var.user) }));

  /** The person's own display name and phone (the account page). */
  api.patch("/me", async (c) => {
    const user = c.var.user;
    const patch = await readJson(c, OwnAccountPatchSchema);
    return c.json({ user: await updateOwnAccount(ctx, user, patch) });
  });
}
