import { useEffect, useState } from "react";

/** Longest wait for an idle moment: a page that never settles still gets its header tools. */
const IDLE_TIMEOUT_MS = 2_000;

/**
 * Becomes true once the browser has had an idle moment after the first render, so what is not
 * needed to use the page (the bell, the user menu) loads after the page instead of beside it. On a
 * throttled phone those chunks and their rendering competed with the page itself. Browsers without
 * requestIdleCallback (Safari, WeChat on iOS) wait one short timer instead.
 */
export function useIdle(): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (typeof window.requestIdleCallback === "function") {
      const handle = window.requestIdleCallback(() => setIdle(true), { timeout: IDLE_TIMEOUT_MS });
      return () => window.cancelIdleCallback(handle);
    }
    const timer = window.setTimeout(() => setIdle(true), 300);
    return () => window.clearTimeout(timer);
  }, []);
  return idle;
}
