import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/**
 * The headers every response carries, API and pages alike (hono's secureHeaders). The
 * Content-Security-Policy lists exactly what the client uses, so an injected script, a tracking
 * pixel or a foreign frame is refused by the browser even if something slips past sanitising:
 * - scripts only from our own files (Vite emits no inline script);
 * - `style-src 'unsafe-inline'`: antd is CSS-in-JS and writes <style> elements and style
 *   attributes at run time; their content comes from our own code, not from users, and a nonce
 *   cannot be threaded through antd's style injection, so inline styles are the accepted cost;
 * - `img-src data: blob:`: the join QR code is a data: URL; pasted or uploaded images preview as blob:;
 * - `connect-src 'self'`: CSP 3 lets 'self' match ws:/wss: on our own host, so Socket.IO and /yjs/
 *   need nothing more, and a page can never talk to another host;
 * - `worker-src 'self'`: pdf.js runs its worker from our own built file;
 * - `frame-ancestors 'none'` (and X-Frame-Options: DENY for old browsers): no site may frame us.
 * A route that sets its own CSP (attachments served with `sandbox`) keeps it: `overwrite: false`.
 * Referrer-Policy `same-origin`: links out (Q&A Markdown) reveal nothing; `no-referrer` would not
 * do, because browsers then send `Origin: null` on our own POSTs and the cross-site check refuses them.
 */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    overwrite: false,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      fontSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      workerSrc: ["'self'"],
      mediaSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
    // HSTS belongs to the TLS terminator (nginx, see docs/DEPLOYMENT.md), which knows whether we are on https.
    strictTransportSecurity: false,
  });
}
