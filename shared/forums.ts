/* Wire contract of the forums feature: REST bodies and Socket.IO events (see DESIGN.md). */

/** Events the client sends (each with an acknowledgement callback). */
export interface ForumClientEvents {}

/** Events the server pushes. */
export interface ForumServerEvents {}
