import { SESSION_COOKIE, type SessionRow, type SessionStore, type UserRow } from "./sessions.ts";

/**
 * The one handshake behind every door (REST, Socket.IO, /yjs/): the request's origin, then its
 * session cookie, then the user. Each door keeps only what differs: REST checks the origin of
 * state-changing requests alone and lets anonymous requests reach its allow-list; the realtime
 * doors check every connection and want a user.
 */

/** What a door knows about a request before it answers: its headers. */
export interface DoorRequest {
  origin?: string;
  host?: string;
  cookie?: string;
}

export interface SignedIn {
  user: UserRow;
  session: SessionRow;
  /** the raw token, for a door that must send the cookie again when the session was renewed */
  token: string;
  renewed: boolean;
}

export type HandshakeRefusal = "forbidden_origin" | "unauthorized" | "password_change_required";

/** Why a handshake refused; each door turns it into its own answer (a status, a connect error). */
export class HandshakeError extends Error {
  constructor(readonly code: HandshakeRefusal) {
    super(code);
    this.name = "HandshakeError";
  }

  get status(): 401 | 403 {
    return this.code === "unauthorized" ? 401 : 403;
  }
}

/**
 * An Origin is ours when it is the configured public address or the address the request was
 * sent to (same host), so the product works behind any hostname without extra settings.
 * Requests without an Origin (same-origin GETs, non-browser clients) carry no cross-site risk.
 */
export function assertOwnOrigin(request: DoorRequest, publicOrigin: string | undefined): void {
  if (request.origin !== undefined && !isOwnOrigin(request.origin, request.host, publicOrigin)) {
    throw new HandshakeError("forbidden_origin");
  }
}

function isOwnOrigin(origin: string, host: string | undefined, publicOrigin: string | undefined): boolean {
  if (publicOrigin && origin === new URL(publicOrigin).origin) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Reads one cookie from a raw Cookie header. */
export function cookieFromHeader(cookieHeader: string | undefined, cookieName = SESSION_COOKIE): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name !== cookieName) continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      // a broken %-escape is no token
      return undefined;
    }
  }
  return undefined;
}

/** The session the request's cookie names, or null when there is none or it is no longer valid. */
export async function findSession(sessions: SessionStore, request: DoorRequest): Promise<SignedIn | null> {
  const token = cookieFromHeader(request.cookie);
  if (!token) return null;
  const found = await sessions.validate(token);
  return found ? { ...found, token } : null;
}

/** The realtime doors' handshake: our origin, a valid session, a password that needn't change first. */
export async function handshake(
  sessions: SessionStore,
  request: DoorRequest,
  publicOrigin: string | undefined,
): Promise<SignedIn> {
  assertOwnOrigin(request, publicOrigin);
  const found = await findSession(sessions, request);
  if (!found) throw new HandshakeError("unauthorized");
  if (found.user.mustChangePassword) throw new HandshakeError("password_change_required");
  return found;
}
