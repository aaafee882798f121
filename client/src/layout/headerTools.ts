import { useEffect, useSyncExternalStore } from "react";
import { useIdle } from "./useIdle.ts";

/**
 * When the header's bell and user menu may load. They are not needed to use a page, and on a
 * throttled phone in a hall their chunks and rendering compete with the page itself: they wait for
 * an idle moment, and on a page opened from a forum's QR code for that page to be usable too
 * (`pageUsable()`), at most HOLD_MS.
 */
const HOLD_MS = 8_000;
/** The live room: the page a forum's QR code opens. */
const QR_PAGE = /^\/forums\/(?!new\/?$)[^/]+\/?$/;

/** Whether this page load began on a forum's live room (opened from its QR code). */
export const openedOnRoom = QR_PAGE.test(window.location.pathname);

let held = openedOnRoom;
const listeners = new Set<() => void>();

/** Called by a page opened from a QR code once a person can use it. */
export function pageUsable(): void {
  if (!held) return;
  held = false;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useHeaderToolsWanted(): boolean {
  const idle = useIdle();
  const waiting = useSyncExternalStore(subscribe, () => held);
  useEffect(() => {
    if (!held) return;
    const timer = window.setTimeout(pageUsable, HOLD_MS);
    return () => window.clearTimeout(timer);
  }, []);
  return idle && !waiting;
}
