import { deleteCookie, getCookie, setCookie } from "hono/cookie";
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

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/** Reads the session token from a raw Cookie header (Socket.IO handshake, /yjs/ upgrade). */
export function sessionTokenFromHeader(cookieHeader: string | undefined, cookieName = SESSION_COOKIE): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === cookieName) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}
