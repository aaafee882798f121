/* Wire contract of notifications (the bell): shared by studios, forums and Q&A. */

/** Events the server pushes. */
export interface NotificationServerEvents {}
