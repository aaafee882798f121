import { Alert } from "antd";
import { PushpinOutlined } from "@ant-design/icons";
import type { ConnectionState } from "../../socket.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { day } from "./format.ts";
import type { RoomState } from "./roomStore.ts";

/**
 * What sits between the title bar and the chat: the latest pinned guidance (opens the pins), why
 * the room is read-only, and — while the room is not live — that messages wait to be sent.
 */
export function RoomBanners({
  state,
  left,
  readOnly,
  online,
  connection,
  onOpenPins,
}: {
  state: RoomState;
  left: string | null;
  readOnly: boolean;
  online: boolean;
  connection: ConnectionState;
  onOpenPins(): void;
}) {
  return (
    <>
      {state.pins.length > 0 && (
        <button type="button" className="studio-pinbar" onClick={onOpenPins} data-testid="studio-pinbar">
          <PushpinOutlined aria-hidden="true" /> <strong>{t.pinned}</strong>
          <span className="studio-pinbar-text">{state.pins[state.pins.length - 1]!.text}</span>
          {state.pins.length > 1 && <span className="studio-muted">+{state.pins.length - 1}</span>}
        </button>
      )}
      {left ? (
        <Alert
          type="info"
          showIcon
          title={t.leftBanner(day(left))}
          className="studio-banner"
          data-testid="studio-left-banner"
        />
      ) : (
        readOnly && <Alert type="info" showIcon title={t.readOnlyHint} className="studio-banner" />
      )}
      {!online && !readOnly && (
        <Alert
          type="warning"
          showIcon
          className="studio-banner"
          data-testid="studio-offline"
          banner
          title={`${connection === "offline" ? t.offlineBanner : t.reconnecting}${state.pending.length ? `（${t.pendingCount(state.pending.length)}）` : ""}`}
        />
      )}
    </>
  );
}
