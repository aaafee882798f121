/* Wire contract of the studios feature: REST bodies and Socket.IO events (see DESIGN.md). */

/** Events the client sends (each with an acknowledgement callback). */
export interface StudioClientEvents {}

/** Events the server pushes. */
export interface StudioServerEvents {}
