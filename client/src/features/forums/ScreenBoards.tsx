import { LikeOutlined } from "@ant-design/icons";
import { CAPABILITIES } from "../../../../shared/vocabulary.ts";
import type { ForumQuestion, Scoreboard, Talk } from "../../../../shared/forums.ts";
import type { Commitment } from "../../../../shared/commitments.ts";
import { COMMITMENT_STATUS_LABELS } from "../../../../shared/vocabulary.ts";
import { forums as t } from "../../strings/forums.ts";
import { ITEM_LABELS } from "./parts.tsx";

/*
 * The projector's full-screen boards, built from plain elements so every figure is sized by the
 * projector CSS (forums.css, `.screen-*`) and scales with the viewport: readable from the back row.
 */

const fmt = (n: number | null | undefined) => (n === null || n === undefined ? "—" : n.toFixed(2));

/** 群众考书记 full screen: the six capabilities as bars, the weighted total, ballots per group. */
export function ScreenScoreboard({ board, talk }: { board: Scoreboard | undefined; talk: Talk }) {
  return (
    <section className="screen-scoreboard" data-testid="screen-scoreboard" aria-label={t.screen.views.score}>
      <header className="screen-scoreboard-head">
        <h2>
          {talk.title} · {talk.presenterName}
        </h2>
        <span className={`screen-round screen-round-${board?.roundStatus ?? "none"}`}>
          {board?.roundStatus === "open"
            ? t.score.board
            : board?.roundStatus === "closed"
              ? t.score.closed
              : t.score.notOpen}
        </span>
      </header>
      {!board ? (
        <p className="screen-message">{t.screen.noScore}</p>
      ) : (
        <div className="screen-scoreboard-body">
          <ol className="screen-bars">
            {CAPABILITIES.map((item) => {
              const value = board.weighted?.[item] ?? null;
              return (
                <li key={item}>
                  <span className="screen-bar-label">{ITEM_LABELS[item]}</span>
                  <span className="screen-bar-track" aria-hidden="true">
                    <span className="screen-bar-fill" style={{ width: `${value === null ? 0 : (value / 5) * 100}%` }} />
                  </span>
                  <span className="screen-bar-value">{fmt(value)}</span>
                </li>
              );
            })}
          </ol>
          <aside className="screen-total">
            <span className="screen-total-label">{t.score.total}</span>
            <strong data-testid="screen-total">{fmt(board.total)}</strong>
            <span className="screen-total-overall">
              {ITEM_LABELS.overall} {fmt(board.weighted?.overall)}
            </span>
            <span>{t.score.ballots(board.ballots)}</span>
            <ul className="screen-groups">
              {board.groups.map((g) => (
                <li key={g.group}>{t.screen.groupLine(g.name ?? g.group, g.weight, g.ballots)}</li>
              ))}
            </ul>
          </aside>
        </div>
      )}
    </section>
  );
}

/** One question, large: the highlighted one, else the most upvoted open one. */
export function ScreenQuestion({ question }: { question: ForumQuestion | undefined }) {
  return (
    <section className="screen-question" data-testid="screen-question" aria-label={t.screen.views.question}>
      {question ? (
        <>
          <p className="screen-question-text">{question.text}</p>
          <p className="screen-question-meta">
            {question.author?.displayName ?? t.questions.anonymousName} · <LikeOutlined /> {question.votes}
          </p>
        </>
      ) : (
        <p className="screen-message">{t.screen.noQuestion}</p>
      )}
    </section>
  );
}

/** The side panel's score summary while slides are shown (the full board is a view of its own). */
export function SideScore({ board }: { board: Scoreboard }) {
  return (
    <div className="screen-board">
      <h2>{board.roundStatus === "open" ? t.score.board : t.score.closed}</h2>
      <p className="screen-board-total">
        {t.score.total} <strong>{fmt(board.total)}</strong>
      </p>
      <p>{t.score.ballots(board.ballots)}</p>
    </div>
  );
}

/** 上次承诺事项, large: what this forum's secretaries promised at earlier forums and how it stands. */
export function ScreenCommitments({ commitments, loading }: { commitments: Commitment[]; loading: boolean }) {
  return (
    <section className="screen-commitments" data-testid="screen-commitments" aria-label={t.commitments.previousTitle}>
      <h2>{t.commitments.previousTitle}</h2>
      {commitments.length === 0 ? (
        <p className="screen-message">{loading ? "" : t.commitments.empty}</p>
      ) : (
        <ol>
          {commitments.slice(0, 8).map((c) => (
            <li key={c.id} className={`screen-commitment screen-commitment-${c.status}`}>
              <span className="screen-commitment-status">{COMMITMENT_STATUS_LABELS[c.status]}</span>
              <span className="screen-commitment-body">
                <span className="screen-commitment-content">{c.content}</span>
                <span className="screen-commitment-meta">
                  {c.ownerName} · {t.commitments.dueLine(c.dueOn)}
                  {c.note && ` · ${c.note}`}
                </span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
