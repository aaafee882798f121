import { useEffect, useState } from "react";
import { Progress, Tag } from "antd";
import { ClockCircleOutlined } from "@ant-design/icons";
import { CAPABILITY_LABELS, SCORE_ITEMS, type ScoreItem } from "../../../../shared/vocabulary.ts";
import type { Scoreboard, Talk } from "../../../../shared/forums.ts";
import { forums as t } from "../../strings/forums.ts";

export const ITEM_LABELS: Record<ScoreItem, string> = { ...CAPABILITY_LABELS, overall: t.score.overall };

function mmss(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** Elapsed vs planned time of the talk on stage, ticking every second. */
export function TalkTimer({ talk, big }: { talk: Talk; big?: boolean }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  if (!talk.startedAt) return null;
  const end = talk.endedAt ? Date.parse(talk.endedAt) : now;
  const elapsed = end - Date.parse(talk.startedAt);
  const planned = talk.plannedMinutes;
  const over = planned !== null && elapsed > planned * 60_000;
  return (
    <span
      className={`talk-timer${big ? " talk-timer-big" : ""}${over ? " talk-timer-over" : ""}`}
      data-testid="talk-timer"
      role="timer"
    >
      <ClockCircleOutlined /> {t.room.timer(mmss(elapsed), planned)}
      {over && <Tag color="red">{t.room.overtime}</Tag>}
    </span>
  );
}

/** The result line of a scoreboard: total, ballots counted, whether the round is still open. */
export function ScoreboardTotal({ board }: { board: Scoreboard }) {
  return (
    <div className="scoreboard-total">
      <span>{t.score.total}</span>
      <strong data-testid="scoreboard-total">{board.total === null ? "—" : board.total.toFixed(2)}</strong>
      <span className="muted">{t.score.ballots(board.ballots)}</span>
      <Tag color={board.roundStatus === "open" ? "green" : "default"}>
        {board.roundStatus === "open" ? t.status.live : t.score.closed}
      </Tag>
    </div>
  );
}

/**
 * Aggregates only, for a phone: each group's ballots and mean, and a bar per item of the weighted
 * result. The archive shows the same as a table (ScoreboardTable.tsx), whose code a phone never loads.
 */
export function ScoreboardBars({ board }: { board: Scoreboard }) {
  return (
    <div className="scoreboard" data-testid="scoreboard">
      <ScoreboardTotal board={board} />
      <ul className="scoreboard-groups">
        {board.groups.map((g) => (
          <li key={g.group}>
            {g.name ?? g.group} ×{g.weight} · {t.score.ballots(g.ballots)}
            {g.means ? ` · ${(SCORE_ITEMS.reduce((s, i) => s + g.means![i], 0) / SCORE_ITEMS.length).toFixed(2)}` : ""}
          </li>
        ))}
      </ul>
      <ul className="scoreboard-bars">
        {SCORE_ITEMS.map((item) => (
          <li key={item}>
            <span>{ITEM_LABELS[item]}</span>
            <Progress
              percent={board.weighted ? (board.weighted[item] / 5) * 100 : 0}
              format={() => (board.weighted ? board.weighted[item].toFixed(2) : "—")}
            />
          </li>
        ))}
      </ul>
    </div>
  );
}
