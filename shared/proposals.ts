/* Wire contract of the proposals feature: REST bodies and Socket.IO events (see DESIGN.md). */

/** Events the client sends (each with an acknowledgement callback). */
export interface ProposalClientEvents {}

/** Events the server pushes. */
export interface ProposalServerEvents {}
