import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { Result } from "antd";
import { LikeOutlined } from "@ant-design/icons";
import QRCode from "qrcode";
import { useCurrentUser } from "../../auth.tsx";
import { PageSpin } from "../../components/PageSpin.tsx";
import { useConnectionState } from "../../socket.ts";
import { forums as t } from "../../strings/forums.ts";
import { ScoreboardView, TalkTimer } from "./parts.tsx";
import { PdfSlide } from "./PdfSlide.tsx";
import { useForumRoom } from "./useForumRoom.ts";
import { ActivityCheckinQr } from "../trainings/CheckinQr.tsx";

function JoinCode({ forumId }: { forumId: string }) {
  const [src, setSrc] = useState("");
  const url = `${window.location.origin}/forums/${forumId}`;
  useEffect(() => {
    void QRCode.toDataURL(url, { margin: 1, width: 320, errorCorrectionLevel: "M" }).then(setSrc);
  }, [url]);
  return (
    <figure className="screen-qr">
      {src && <img src={src} alt={`${t.screen.scanToJoin}：${url}`} data-testid="join-qr" />}
      <figcaption>{t.screen.scanToJoin}</figcaption>
    </figure>
  );
}

/** The projector view: the live slide large, the highlighted question, top questions, the scoreboard during a round. */
export function ScreenPage() {
  const { id = "" } = useParams();
  const me = useCurrentUser();
  const { room, status, error } = useForumRoom(id, me);
  const connection = useConnectionState();

  if (status === "error" && !room) return <Result status="warning" title={t.room.loadFailed} subTitle={error} />;
  if (!room) return <PageSpin />;
  const { forum } = room;
  const talk = forum.talks.find((x) => x.id === forum.currentTalkId);
  const highlighted = room.questions.find((q) => q.id === forum.highlightedQuestionId);
  const top = room.questions
    .filter((q) => (q.status === "open" || q.status === "answered") && q.id !== highlighted?.id)
    .sort((a, b) => b.votes - a.votes)
    .slice(0, 4);
  const board = talk && talk.roundStatus !== "none" ? room.scoreboards.find((b) => b.talkId === talk.id) : undefined;

  return (
    <div className="screen" data-testid="screen">
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
          <Link to=".." relative="path" className="screen-exit">{t.screen.exit}</Link>
        </div>
      </header>
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
        <aside className="screen-side">
          <ActivityCheckinQr kind="forum" activityId={id} size={220} />
          {board && talk?.roundStatus === "open" ? (
            <div className="screen-board">
              <h2>{t.score.board}</h2>
              <ScoreboardView board={board} compact />
            </div>
          ) : board ? (
            <div className="screen-board">
              <h2>{t.score.total}</h2>
              <ScoreboardView board={board} compact />
            </div>
          ) : null}
          {highlighted && (
            <div className="screen-highlight" data-testid="screen-highlight">
              <h2>{t.screen.highlighted}</h2>
              <p>{highlighted.text}</p>
              <span>{highlighted.author?.displayName ?? t.questions.anonymousName} · <LikeOutlined /> {highlighted.votes}</span>
            </div>
          )}
          {top.length > 0 && (
            <div className="screen-top">
              <h2>{t.screen.topQuestions}</h2>
              <ol>
                {top.map((q) => (
                  <li key={q.id}>
                    <span>{q.text}</span>
                    <b><LikeOutlined /> {q.votes}</b>
                  </li>
                ))}
              </ol>
            </div>
          )}
          <JoinCode forumId={forum.id} />
        </aside>
      </main>
    </div>
  );
}
