import { useEffect, useState } from "react";
import { Alert, App, Button, Rate } from "antd";
import type { BallotScores, Talk } from "../../../../shared/forums.ts";
import { groupName, SCORE_ITEMS } from "../../../../shared/vocabulary.ts";
import { emitWithAck } from "../../socket.ts";
import { ackOrThrow, useAction } from "../../useAction.ts";
import { forums as t } from "../../strings/forums.ts";
import { ITEM_LABELS, ScoreboardBars } from "./parts.tsx";
import type { RoomState } from "./useForumRoom.ts";

/** 群众考书记: the host opens/closes the round; everyone else casts (and may change) one ballot. */
export function ScorePanel({
  room,
  talk,
  disabled,
  onBallot,
}: {
  room: RoomState;
  talk: Talk;
  disabled: boolean;
  onBallot: (talkId: string, scores: BallotScores) => void;
}) {
  const { message } = App.useApp();
  const mine = room.myBallots[talk.id];
  const [draft, setDraft] = useState<Partial<BallotScores>>(mine ?? {});
  // biome-ignore lint/correctness/useExhaustiveDependencies: the draft starts over only for a new talk; a ballot pushed later must not wipe what is being chosen
  useEffect(() => setDraft(room.myBallots[talk.id] ?? {}), [talk.id]);
  const board = room.scoreboards.find((b) => b.talkId === talk.id);
  const complete = SCORE_ITEMS.every((i) => draft[i]);
  const ownTalk = talk.presenterId === room.me.id;

  const round = useAction({
    mutationFn: async (action: "open" | "close") =>
      ackOrThrow(await emitWithAck("forum:round", { forumId: room.forum.id, talkId: talk.id, action })),
  });
  const submit = useAction({
    mutationFn: async (scores: BallotScores) =>
      ackOrThrow(await emitWithAck("forum:score", { forumId: room.forum.id, talkId: talk.id, scores })),
    onSuccess: (ack) => {
      onBallot(talk.id, ack.scores);
      message.success(t.score.saved);
    },
  });
  // one round or ballot at a time, as before: every button shows the pending one
  const busy = round.isPending || submit.isPending;

  return (
    <section className="forum-panel score-panel" aria-label={t.score.title}>
      <h2 className="card-heading">
        {t.score.title} · {talk.title}
      </h2>
      {room.viewer.isHost && room.forum.status === "live" && (
        <div className="score-host">
          {talk.roundStatus === "none" && (
            <Button type="primary" onClick={() => round.mutate("open")} loading={busy} disabled={disabled}>
              {t.score.open}
            </Button>
          )}
          {talk.roundStatus === "open" && (
            <Button danger onClick={() => round.mutate("close")} loading={busy} disabled={disabled}>
              {t.score.close}
            </Button>
          )}
        </div>
      )}
      {talk.roundStatus === "none" && <Alert type="info" showIcon title={t.score.notOpen} />}
      {talk.roundStatus === "closed" && <Alert type="success" showIcon title={t.score.closed} />}
      {talk.roundStatus === "open" && !ownTalk && room.viewer.scoreGroup === null && !room.viewer.isHost && (
        <Alert type="info" showIcon title={t.score.notScoring} />
      )}
      {talk.roundStatus === "open" && !ownTalk && room.viewer.scoreGroup !== null && (
        <form
          className="ballot"
          onSubmit={(e) => {
            e.preventDefault();
            submit.mutate(draft as BallotScores);
          }}
        >
          <p className="muted small">{t.score.yourGroup(groupName(room.forum, room.viewer.scoreGroup))}</p>
          {SCORE_ITEMS.map((item) => (
            <div className="ballot-row" key={item}>
              <span id={`ballot-${item}`}>{ITEM_LABELS[item]}</span>
              <Rate
                aria-labelledby={`ballot-${item}`}
                value={draft[item] ?? 0}
                onChange={(v) => setDraft((d) => ({ ...d, [item]: v || undefined }))}
              />
            </div>
          ))}
          <Button type="primary" htmlType="submit" disabled={!complete || disabled} loading={busy} block>
            {mine ? t.score.update : t.score.submit}
          </Button>
        </form>
      )}
      {talk.roundStatus === "open" && ownTalk && <Alert type="warning" showIcon title={t.score.ownTalk} />}
      {board && <ScoreboardBars board={board} />}
    </section>
  );
}
