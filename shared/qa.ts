/* Wire contract of the qa feature: REST bodies and Socket.IO events (see DESIGN.md). */

/** Events the client sends (each with an acknowledgement callback). */
export interface QaClientEvents {}

/** Events the server pushes. */
export interface QaServerEvents {}
