import { deleteCookie, setCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../auth/sessions.ts";
import type { Config } from "../config.ts";
import type { Context } from "hono";

/** httpOnly, SameSite=Lax; Secure when the public address is https. */
export function setSessionCookie(c: Context, config: Config, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: config.PUBLIC_ORIGIN?.startsWith("https:") ?? false,
    path: "/",
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}
