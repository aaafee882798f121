import { useEffect, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { Result } from "antd";
import { LikeOutlined } from "@ant-design/icons";
import QRCode from "qrcode";
import { useCurrentUser } from "../../auth.tsx";
import { PageSpin } from "../../components/PageSpin.tsx";
import { useConnectionState } from "../../socket.ts";
import { forums as t } from "../../strings/forums.ts";
import { LoopbackWarning, useJoinLink } from "./joinLink.tsx";
import { TalkTimer } from "./parts.tsx";
import { ScreenCommitments, ScreenQuestion, ScreenScoreboard, SideScore } from "./ScreenBoards.tsx";
import { usePreviousCommitments } from "./Commitments.tsx";
import { PdfSlide } from "./PdfSlide.tsx";
import { useForumRoom } from "./useForumRoom.ts";
import { ActivityCheckinQr } from "../trainings/CheckinQr.tsx";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

function JoinCode({ forumId }: { forumId: string }) {
  const [src, setSrc] = useState("");
  const { url, ready } = useJoinLink(forumId);
  useEffect(() => {
    if (ready) void QRCode.toDataURL(url, { margin: 1, width: 320, errorCorrectionLevel: "M" }).then(setSrc);
  }, [url, ready]);
  return (
    <figure className="screen-qr">
      {src && <img src={src} alt={`${t.screen.scanToJoin}：${url}`} data-testid="join-qr" data-url={url} />}
      <figcaption>{t.screen.scanToJoin}</figcaption>
    </figure>
  );
}

const VIEWS = ["slides", "score", "question", "commitments"] as const;
type View = (typeof VIEWS)[number];

/**
 * The projector view. Slides with a side panel (highlighted question, top questions, score summary,
 * join QR), or one of three full-screen boards: the 群众考书记 scoreboard, a single question, and
 * 上次承诺事项. The view is in the URL (`?view=`), so a projector laptop can be left on one; without
 * it, an open scoring round shows the scoreboard, a 群众考书记 before its first talk shows what the
 * secretaries promised last time, and anything else the slides.
 *
 * Questions here are the room's payloads, which never name an anonymous asker — whoever is signed
 * in on the projector laptop, an admin included.
 */
export function ScreenPage() {
  const { id = "" } = useParams();
  const me = useCurrentUser();
  const { room, status, error } = useForumRoom(id, me);
  useDocumentTitle(shell.titles.forumScreen(room?.forum.title ?? shell.areas.forums.title));
  const previous = usePreviousCommitments(id);
  const connection = useConnectionState();
  const [params, setParams] = useSearchParams();
  const chosen = VIEWS.find((v) => v === params.get("view"));
  const choose = (view: View) => setParams({ view }, { replace: true });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const view = VIEWS[Number(e.key) - 1];
      if (view) setParams({ view }, { replace: true });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [setParams]);

  if (status === "error" && !room) return <Result status="warning" title={t.room.loadFailed} subTitle={error} />;
  if (room?.deleted) return <Result status="info" title={t.hostTools.deletedByHost} />;
  if (!room) return <PageSpin />;
  const { forum } = room;
  const talk = forum.talks.find((x) => x.id === forum.currentTalkId);
  const highlighted = room.questions.find((q) => q.id === forum.highlightedQuestionId);
  const shown = room.questions.filter((q) => q.status === "open" || q.status === "answered");
  const byVotes = [...shown].sort((a, b) => b.votes - a.votes);
  const top = byVotes.filter((q) => q.id !== highlighted?.id).slice(0, 4);
  const board = talk && talk.roundStatus !== "none" ? room.scoreboards.find((b) => b.talkId === talk.id) : undefined;
  const scoring = forum.mode === "examination";
  const promised = previous.data ?? [];
  const beforeFirstTalk = !talk && forum.status !== "ended";
  const view: View =
    chosen ??
    (scoring && talk?.roundStatus === "open"
      ? "score"
      : scoring && beforeFirstTalk && promised.length > 0
        ? "commitments"
        : "slides");
  const views = VIEWS.filter((v) => (v !== "score" && v !== "commitments") || scoring);

  return (
    <div className={`screen screen-view-${view}`} data-testid="screen" data-view={view}>
      <header className="screen-head">
        <div>
          <h1>{forum.title}</h1>
          {talk && (
            <p>
              {talk.title} · {talk.presenterName}
            </p>
          )}
        </div>
        <div className="screen-head-right">
          {talk && <TalkTimer talk={talk} big />}
          <span className="screen-presence">{t.presence.title(room.presence.count)}</span>
          {connection !== "connected" && <span className="screen-offline">{t.room.reconnecting}</span>}
          <nav className="screen-views" aria-label={t.screen.viewsLabel}>
            {views.map((v, i) => (
              <button
                key={v}
                type="button"
                aria-pressed={v === view}
                onClick={() => choose(v)}
                title={`${i + 1}`}
                data-testid={`screen-view-${v}`}
              >
                {t.screen.views[v]}
              </button>
            ))}
          </nav>
          <Link to=".." relative="path" className="screen-exit">
            {t.screen.exit}
          </Link>
        </div>
      </header>
      {/* for the host at the laptop, not the hall: it floats over the slide, out of the side panel */}
      {room.viewer.isHost && <LoopbackWarning forumId={forum.id} className="screen-warning" />}
      {view === "score" && talk ? (
        <main className="screen-full">
          <ScreenScoreboard board={board} talk={talk} />
        </main>
      ) : view === "commitments" ? (
        <main className="screen-full">
          <ScreenCommitments commitments={promised} loading={previous.isPending} />
        </main>
      ) : view === "question" ? (
        <main className="screen-full">
          <ScreenQuestion question={highlighted ?? byVotes.find((q) => q.status === "open") ?? byVotes[0]} />
        </main>
      ) : (
        <main className="screen-body">
          <section className="screen-slide">
            {forum.status === "ended" ? (
              <p className="screen-message">{t.screen.ended}</p>
            ) : talk?.deck ? (
              <PdfSlide url={talk.deck.url} page={talk.slide} />
            ) : (
              <p className="screen-message">{talk ? talk.title : t.screen.waiting}</p>
            )}
          </section>
          <aside className="screen-side" data-testid="screen-side">
            <ActivityCheckinQr kind="forum" activityId={id} size={220} />
            {board && <SideScore board={board} />}
            {highlighted && (
              <div className="screen-highlight" data-testid="screen-highlight">
                <h2>{t.screen.highlighted}</h2>
                <p>{highlighted.text}</p>
                <span>
                  {highlighted.author?.displayName ?? t.questions.anonymousName} · <LikeOutlined /> {highlighted.votes}
                </span>
              </div>
            )}
            {top.length > 0 && (
              <div className="screen-top">
                <h2>{t.screen.topQuestions}</h2>
                <ol>
                  {top.map((q) => (
                    <li key={q.id}>
                      <span>{q.text}</span>
                      <b>
                        <LikeOutlined /> {q.votes}
                      </b>
                    </li>
                  ))}
                </ol>
              </div>
            )}
            <JoinCode forumId={forum.id} />
          </aside>
        </main>
      )}
    </div>
  );
}
