/** The id a question or chat line carries so a resend after a reconnect is stored once. */
export function newClientId(): string {
  return crypto.randomUUID();
}
