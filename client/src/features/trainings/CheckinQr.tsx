import { useEffect, useState } from "react";
import QRCode from "qrcode";
import { Alert, Typography } from "antd";
import type { CheckinBoard, ActivityKind } from "../../../../shared/trainings.ts";
import { emitWithAck, useSocketRoom } from "../../socket.ts";
import { tr } from "../../strings/trainings.ts";
import { checkinUrl, formatTime } from "./queries.ts";

/**
 * The live check-in board of one activity for its host: the rotating code and who is in. It
 * watches over Socket.IO (only hosts are let in) and fetches the next code when the current one
 * rotates. Forums' projector screens use `CheckinQr` alone.
 */
export function useCheckinBoard(kind: ActivityKind, activityId: string) {
  const [board, setBoard] = useState<CheckinBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  // after a reconnect the room is joined again and the list read afresh
  useSocketRoom(
    {
      join: async ({ signal }) => {
        const res = await emitWithAck("checkin:watch", { kind, activityId });
        if (signal.aborted) return;
        if (res.ok) {
          setBoard(res.board);
          setError(null);
        } else setError(res.error.message);
      },
      leave: () => void emitWithAck("checkin:unwatch", { kind, activityId }),
      on: {
        "checkin:changed": (change) => {
          if (change.kind !== kind || change.activityId !== activityId) return;
          setBoard((b) => {
            if (!b) return b;
            const rest = b.checkins.filter((c) => c.userId !== (change.added?.userId ?? change.removedUserId));
            return { ...b, checkins: change.added ? [...rest, change.added] : rest };
          });
        },
      },
    },
    [kind, activityId, tick],
  );

  // fetch the successor code when this one rotates (or once a minute while closed, to notice opening)
  useEffect(() => {
    if (!board) return;
    const wait = board.rotatesAt ? Math.max(500, Date.parse(board.rotatesAt) - Date.now() + 200) : 60_000;
    const timer = setTimeout(() => setTick((t) => t + 1), wait);
    return () => clearTimeout(timer);
  }, [board]);

  return { board, error };
}

/** The QR code of the current check-in code, large enough to scan from the back of a hall. */
export function CheckinQr({ board, size = 280 }: { board: CheckinBoard; size?: number }) {
  const [image, setImage] = useState<string | null>(null);
  const url = board.code ? checkinUrl(board.code) : null;
  useEffect(() => {
    if (!url) return setImage(null);
    let cancelled = false;
    void QRCode.toDataURL(url, { width: size, margin: 1, errorCorrectionLevel: "M" }).then((data) => {
      if (!cancelled) setImage(data);
    });
    return () => {
      cancelled = true;
    };
  }, [url, size]);

  if (board.hours === null) return <Alert type="info" showIcon message={tr.checkin.noHours} />;
  if (!board.open || !url)
    return (
      <Alert
        type="warning"
        showIcon
        message={tr.checkin.closed}
        description={tr.checkin.window(formatTime(board.opensAt), formatTime(board.closesAt))}
      />
    );
  return (
    <figure className="checkin-qr">
      {image ? (
        <img src={image} width={size} height={size} alt={tr.checkin.scanHint} data-checkin-url={url} />
      ) : (
        <div style={{ width: size, height: size }} />
      )}
      <figcaption>
        <Typography.Text strong>{tr.checkin.scanHint}</Typography.Text>
        <br />
        <Typography.Text type="secondary">{tr.checkin.present(board.checkins.length)}</Typography.Text>
      </figcaption>
    </figure>
  );
}

/** For a projector: the QR of an activity with 学时, or nothing when it has none or one may not host it. */
export function ActivityCheckinQr({
  kind,
  activityId,
  size,
}: {
  kind: ActivityKind;
  activityId: string;
  size?: number;
}) {
  const { board } = useCheckinBoard(kind, activityId);
  if (!board || board.hours === null) return null;
  return <CheckinQr board={board} size={size} />;
}
