
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
