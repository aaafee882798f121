import { useEffect } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Studio } from "../../../../shared/studios.ts";
import { api } from "../../api.ts";
import { getSocket } from "../../socket.ts";
import { useUnreadInTitle } from "../../documentTitle.ts";

export const STUDIOS_KEY = ["studios"] as const;

export function useStudios(scope: "mine" | "all" = "mine") {
  return useQuery({
    queryKey: [...STUDIOS_KEY, scope],
    queryFn: async () =>
      (await api<{ studios: Studio[] }>(`/api/studios${scope === "all" ? "?scope=all" : ""}`)).studios,
  });
}

/**
 * Keeps the studio list fresh while anywhere in the area (a new message in any of my studios, my
 * own read position moving, a reconnect) and shows the total unread count in the page title.
 */
export function useStudioUnreadTitle(meId: string) {
  const queryClient = useQueryClient();
  const { data } = useStudios("mine");
  useEffect(() => {
    const socket = getSocket();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: STUDIOS_KEY }), 300);
    };
    const onRead = (e: { userId: string }) => e.userId === meId && refresh();
    socket.on("studio:message", refresh);
    socket.on("studio:read", onRead);
    socket.on("connect", refresh);
    return () => {
      clearTimeout(timer);
      socket.off("studio:message", refresh);
      socket.off("studio:read", onRead);
      socket.off("connect", refresh);
    };
  }, [queryClient, meId]);

  const total = (data ?? []).reduce((sum, s) => sum + s.unread, 0);
  useUnreadInTitle("studios", total);
  return total;
}
