import { Link } from "react-router";
import { App, Button, Tag } from "antd";
import type { Forum, ForumControl } from "../../../../shared/forums.ts";
import { emitWithAck } from "../../socket.ts";
import { ballots as ballotStrings } from "../../strings/ballots.ts";
import { forums as t } from "../../strings/forums.ts";
import { DeleteForumButton, EditForumButton, WeightsButton } from "./HostTools.tsx";
import { LoopbackWarning } from "./joinLink.tsx";
import type { RoomState } from "./useForumRoom.ts";

/**
 * The host's controls above the room: start, next talk, end, weights, ballots, edit and delete.
 * `onEnded` gets the ended forum from the acknowledgement: the end is final, so the host's screen
 * shows it even when the room's broadcast of it was lost to a reconnect.
 */
export function HostBar({
  room,
  disabled,
  onEnded,
}: {
  room: RoomState;
  disabled: boolean;
  onEnded: (forum: Forum) => void;
}) {
  const { message, modal } = App.useApp();
  const { forum } = room;
  const current = forum.talks.findIndex((x) => x.id === forum.currentTalkId);
  const control = async (action: ForumControl["action"]) => {
    // 下一位 names the talk this host sees on stage, so a second host's simultaneous press is refused
    const ack = await emitWithAck("forum:control", {
      forumId: forum.id,
      action,
      ...(action === "next" ? { expectedIndex: current } : {}),
    });
    if (!ack.ok) message.error(ack.error.message);
    else if (ack.forum.status === "ended") onEnded(ack.forum);
  };
  return (
    <>
      <LoopbackWarning forumId={forum.id} className="reconnect-banner" />
      <div className="host-bar" role="toolbar" aria-label={t.room.youHost}>
        <Tag color="gold">{t.room.youHost}</Tag>
        {forum.status === "scheduled" && (
          <Button type="primary" onClick={() => void control("start")} disabled={disabled}>
            {t.room.start}
          </Button>
        )}
        {forum.status === "live" && (
          <>
            <Button onClick={() => void control("next")} disabled={disabled || current >= forum.talks.length - 1}>
              {t.room.next}
            </Button>
            <Button
              danger
              onClick={() => modal.confirm({ title: t.room.endConfirm, onOk: () => control("end") })}
              disabled={disabled}
            >
              {t.room.end}
            </Button>
          </>
        )}
        {forum.mode === "examination" && <WeightsButton forum={forum} />}
        {forum.mode === "examination" && forum.status !== "ended" && (
          <Link to={`/forums/${forum.id}/ballots`}>
            <Button data-testid="ballots-link">{ballotStrings.open}</Button>
          </Link>
        )}
        {forum.status === "scheduled" && (
          <>
            <EditForumButton forum={forum} />
            <DeleteForumButton forum={forum} />
          </>
        )}
      </div>
    </>
  );
}
