import { z } from "zod";

/**
 * Every REST error body and every failed Socket.IO acknowledgement carries one of these codes.
 * Features may add codes; existing ones are never renamed (they are part of the wire contract).
 */
export const ERROR_CODES = [
  "invalid_input",
  "invalid_json",
  "unauthorized",
  "forbidden",
  "forbidden_origin",
  "not_found",
  "conflict",
  "too_large",
  "rate_limited",
  "registration_closed",
  "invalid_credentials",
  "account_disabled",
  "blocked_content",
  "read_only",
  /** voting for one's own question or answer */
  "self_vote",
  /** a command based on a state that has moved on (e.g. 下一位 pressed twice): reload and decide again */
  "stale_agenda",
  "unavailable",
  "password_change_required",
  "last_admin",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number] | (string & {});

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Socket.IO acknowledgement shape: `{ok:true, …}` or `{ok:false, error}`. */
export type Ack<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: ErrorCode; message: string } };

/**
 * WebSocket close codes used by the /yjs/ door (4000–4999 is the application range).
 * Upgrade refusals happen before the handshake and are plain HTTP 401/403/404 responses.
 */
export const CLOSE_CODES = {
  /** the session ended (logout, disabled account) while the document was open */
  unauthorized: 4401,
  /** access to the document was withdrawn while it was open */
  forbidden: 4403,
  /** one message exceeded `LIMITS.yjsMessageBytes`, or the document would exceed `LIMITS.yjsDocumentBytes` */
  tooLarge: 4413,
  /**
   * a frame could not be decoded or applied (truncated sync step, awareness state that is not JSON,
   * an update whose structure is broken); it was neither stored nor relayed
   */
  malformed: 4400,
  /** too many awareness (presence) updates in a short time */
  rateLimited: 4429,
  /**
   * the document was reloaded from storage on the server (an edit could not be stored, or an
   * update broke while being applied); the client reconnects and syncs again, losing nothing
   */
  resync: 4500,
  /** the server is shutting down; reconnect to another process */
  goingAway: 1001,
} as const;

/** Shape of one client→server event: a payload and an acknowledgement callback. */
export type AckHandler<P, R extends object = object> = (payload: P, ack: (res: Ack<R>) => void) => void;
