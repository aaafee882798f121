import { Alert } from "antd";
import { useQuery } from "@tanstack/react-query";
import type { JoinOrigin } from "../../../../shared/forums.ts";
import { api } from "../../api.ts";
import { forums as t } from "../../strings/forums.ts";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const isLoopback = (hostname: string) => LOOPBACK.has(hostname) || hostname.endsWith(".localhost");

/**
 * The address phones scan to join: the server's PUBLIC_ORIGIN when configured, else this page's own
 * origin. `unreachable` is true when that fallback is a loopback address no phone can open.
 */
export function useJoinLink(forumId: string): { url: string; unreachable: boolean; ready: boolean } {
  const config = useQuery({
    queryKey: ["forums", "join-origin"],
    queryFn: () => api<JoinOrigin>("/api/forums/join-origin"),
    staleTime: Infinity,
  });
  const origin = config.data?.publicOrigin ?? window.location.origin;
  return {
    url: `${origin}/forums/${forumId}`,
    unreachable: config.isSuccess && !config.data.publicOrigin && isLoopback(window.location.hostname),
    ready: !config.isPending,
  };
}

/** Shown to the host only: the QR on screen would send phones to an address they cannot reach. */
export function LoopbackWarning({ forumId, className }: { forumId: string; className?: string }) {
  const { unreachable } = useJoinLink(forumId);
  if (!unreachable) return null;
  return (
    <Alert
      className={className}
      type="warning"
      showIcon
      role="alert"
      closable
      title={t.join.loopbackTitle}
      description={t.join.loopback(window.location.host)}
      data-testid="loopback-warning"
    />
  );
}
