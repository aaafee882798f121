import { useEffect, useSyncExternalStore } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { NOTIFICATIONS_QUERY_KEY, type NotificationList } from "./features/notifications/queries.ts";
import { shell } from "./strings/shell.ts";

/** 「(3) 工作室 · 社区工作者协作论坛」: the page, the product, and the unread count when there is one. */
export function documentTitle(page: string | undefined, unread: number): string {
  const base = page ? `${page} · ${shell.productName}` : shell.productName;
  return unread > 0 ? `(${unread}) ${base}` : base;
}

// Unread counts an area adds to the title while it is open (a studio's unread messages), by source.
const areaCounts = new Map<string, number>();
const areaListeners = new Set<() => void>();
const areaTotal = () => [...areaCounts.values()].reduce((sum, n) => sum + n, 0);
function changed() {
  for (const listener of areaListeners) listener();
}

/** Adds an area's unread count to the browser title while the calling component is mounted. */
export function useUnreadInTitle(source: string, count: number): void {
  useEffect(() => {
    areaCounts.set(source, count);
    changed();
    return () => {
      areaCounts.delete(source);
      changed();
    };
  }, [source, count]);
}

/**
 * Names the browser tab after the page (each page calls it once, with its own title), led by the
 * unread count: the bell's, read from its cached list (never fetched here, so the sign-in page
 * asks nothing), plus any an open area adds with useUnreadInTitle.
 */
export function useDocumentTitle(page: string | undefined): void {
  const queryClient = useQueryClient();
  const notifications = useSyncExternalStore(
    (onChange) => queryClient.getQueryCache().subscribe(onChange),
    () => queryClient.getQueryData<NotificationList>(NOTIFICATIONS_QUERY_KEY)?.unread ?? 0,
  );
  const area = useSyncExternalStore((onChange) => {
    areaListeners.add(onChange);
    return () => areaListeners.delete(onChange);
  }, areaTotal);
  useEffect(() => {
    document.title = documentTitle(page, notifications + area);
  }, [page, notifications, area]);
}
