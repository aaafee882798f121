/**
 * An Origin is ours when it is the configured public address or the address the request was
 * sent to (same host), so the product works behind any hostname without extra settings.
 */
export function isAllowedOrigin(origin: string, host: string | undefined, publicOrigin: string | undefined): boolean {
  if (publicOrigin && origin === new URL(publicOrigin).origin) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
