import { CloudSyncOutlined, DisconnectOutlined, LoadingOutlined } from "@ant-design/icons";
import { Alert, Tag } from "antd";
import { useEffect, useState } from "react";
import { t } from "../../strings/proposals.ts";
import type { ProposalDoc } from "./collab.ts";

function ago(since: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - since) / 1000));
  if (seconds < 60) return t.secondsAgo(seconds);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t.minutesAgo(minutes);
  return t.hoursAgo(Math.floor(minutes / 60));
}

/** Re-renders every few seconds, so "N 秒前" keeps counting while nothing else changes. */
function useNow(intervalMs: number, active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

/** The small tag beside the export buttons: synced, connecting, or offline with unsent changes. */
export function SyncBadge({ pdoc }: { pdoc: ProposalDoc | null }) {
  if (!pdoc) return null;
  if (pdoc.state === "offline") {
    return (
      <Tag icon={<DisconnectOutlined />} color="warning" className="proposal-sync" data-state="offline" role="status">
        {pdoc.pending > 0 ? `${t.unsynced(pdoc.pending)} · ${t.offlineShort}` : t.offlineShort}
      </Tag>
    );
  }
  if (pdoc.state === "connecting") {
    return (
      <Tag icon={<LoadingOutlined />} className="proposal-sync" data-state="connecting" role="status">
        {pdoc.pending > 0 ? t.unsynced(pdoc.pending) : t.connecting}
      </Tag>
    );
  }
  return (
    <Tag icon={<CloudSyncOutlined />} color="success" className="proposal-sync" data-state="synced" role="status">
      {t.synced}
    </Tag>
  );
}

/**
 * The offline state above the editor: typing goes on, and this says so, with the time since the
 * server last had everything. `readOnly` is for a local copy shown while rights can't be checked.
 */
export function OfflineBanner({
  pdoc,
  metaUnreachable,
  readOnly,
}: {
  pdoc: ProposalDoc | null;
  metaUnreachable: boolean;
  readOnly: boolean;
}) {
  const offline = !!pdoc && (pdoc.state === "offline" || (pdoc.state === "connecting" && pdoc.lastSyncAt !== null));
  const now = useNow(5_000, offline || metaUnreachable);
  if (!pdoc) return null;
  if (readOnly) {
    return (
      <Alert
        className="proposal-offline"
        data-testid="proposal-offline"
        type="warning"
        showIcon
        role="status"
        message={pdoc.ready ? t.localCopyReadOnly : t.noLocalCopy}
        style={{ marginBottom: 8 }}
      />
    );
  }
  if (offline) {
    const when = pdoc.lastSyncAt === null ? t.neverSynced : t.lastSync(ago(pdoc.lastSyncAt, now));
    return (
      <Alert
        className="proposal-offline"
        data-testid="proposal-offline"
        type="warning"
        showIcon
        role="status"
        icon={<DisconnectOutlined />}
        message={t.offline}
        description={pdoc.pending > 0 ? `${when} · ${t.unsynced(pdoc.pending)}` : when}
        style={{ marginBottom: 8 }}
      />
    );
  }
  if (metaUnreachable)
    return <Alert type="info" showIcon role="status" message={t.metaStale} style={{ marginBottom: 8 }} />;
  return null;
}
