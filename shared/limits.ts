/** Size limits shared by client and server. The server enforces them; the client uses them to warn early. */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 128,
  displayNameMax: 40,
  /** default JSON request body limit (bytes) */
  jsonBodyBytes: 1_000_000,
  /** forum slide decks (PDF) */
  deckBytes: 50 * 1024 * 1024,
  /** studio attachments */
  attachmentBytes: 20 * 1024 * 1024,
  chatTextMax: 2000,
  titleMax: 120,
  bodyMax: 20_000,
  /** one y-websocket message */
  yjsMessageBytes: 1_000_000,
  /** one stored document (sum of its stored updates) */
  yjsDocumentBytes: 20_000_000,
  /** one awareness (presence) state as JSON: a name, a colour and a cursor need far less */
  awarenessStateBytes: 4_096,
  /** awareness updates one /yjs/ connection may send: a burst of this many, refilled per second */
  awarenessPerSecond: 20,
  /** `studio:typing` events per user per minute (a client sends one every few seconds while typing) */
  typingPerMinute: 60,
  /** `forum:vote` events per user per minute */
  votesPerMinute: 60,
} as const;

/** the host's note when marking a forum question answered */
export const ANSWER_NOTE_MAX = 200;
