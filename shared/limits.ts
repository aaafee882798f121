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
} as const;
