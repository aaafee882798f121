import type { ForumClientEvents, ForumServerEvents } from "./forums.ts";
import type { StudioClientEvents, StudioServerEvents } from "./studios.ts";
import type { ProposalClientEvents, ProposalServerEvents } from "./proposals.ts";
import type { QaClientEvents, QaServerEvents } from "./qa.ts";
import type { NotificationServerEvents } from "./notifications.ts";
import type { CheckinClientEvents, CheckinServerEvents } from "./trainings.ts";

/** Every event a browser may send over Socket.IO. Each feature declares its own in its shared file. */
export interface ClientToServerEvents
  extends ForumClientEvents,
    StudioClientEvents,
    ProposalClientEvents,
    QaClientEvents,
    CheckinClientEvents {}

/** Every event the server pushes over Socket.IO. */
export interface ServerToClientEvents
  extends ForumServerEvents,
    StudioServerEvents,
    ProposalServerEvents,
    QaServerEvents,
    NotificationServerEvents,
    CheckinServerEvents {
  /** the session behind this socket ended (logout, disabled account); the client should sign in again */
  "session:ended": (payload: { reason: "logout" | "disabled" | "expired" | "password_reset" }) => void;
}

/** Client→server events that carry an acknowledgement callback as their second argument. */
export type AckEventName = {
  [K in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[K]> extends [unknown, unknown] ? K : never;
}[keyof ClientToServerEvents];

/** What the client sends with event E. */
export type EventPayload<E extends AckEventName> = Parameters<ClientToServerEvents[E]>[0];

/** The whole acknowledgement of event E: `{ ok: true, …result }` or `{ ok: false, error }`. */
export type EventAnswer<E extends AckEventName> = Parameters<ClientToServerEvents[E]>[1] extends (res: infer A) => void
  ? A
  : never;

/** What a server handler of event E returns: the fields of a successful acknowledgement. */
export type EventResult<E extends AckEventName> =
  EventAnswer<E> extends infer A ? (A extends { ok: true } ? Omit<A, "ok"> : never) : never;
