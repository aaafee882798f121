import { useEffect, useMemo, useState } from "react";
import { Alert, Button, Spin, Tag } from "antd";
import { Result } from "../../components/LazyResult.tsx";
import type { User } from "../../../../shared/auth.ts";
import type { GuestView } from "../../../../shared/forums.ts";
import { ApiError } from "../../api.ts";
import { getSocket } from "../../socket.ts";
import { connectAsGuest } from "./guestCode.ts";
import { guests as t } from "../../strings/guests.ts";
import { QuestionsPanel } from "../forums/QuestionsPanel.tsx";
import { ScorePanel } from "../forums/roomExtras.tsx";
import { PanelTabs } from "../forums/PanelTabs.tsx";
import { useForumRoom } from "../forums/useForumRoom.ts";
import { earlyAnswer } from "../forums/earlyJoin.ts";
import "../forums/forums.css";
import "./guests.css";

/** WeChat's in-app browser cannot save files: a guest is told to open the page in a browser instead. */
const inAppBrowser = () => /MicroMessenger/i.test(navigator.userAgent);

/** A guest page's frame: the forum's title and that no account is needed. */
export function GuestShell({ title, children }: { title?: string; children: React.ReactNode }) {
  return (
    <main className="guest-page">
      <header className="guest-header">
        <h1>{title ?? t.title}</h1>
        <p className="muted small">{t.noAccount}</p>
      </header>
      {children}
    </main>
  );
}

/** Why a guest's page no longer shows the room: the server refused its connection and could not take it back. */
type Lost = { kind: "refused"; why?: string } | { kind: "ended" };

/**
 * The live audience view of a guest: the talk on stage, scoring when a round is open, questions.
 * `reopen` opens the guest's session again as its page first did (the printed code, the venue
 * device's token): the same voter, tried once by itself when the server refuses the connection.
 */
export function GuestRoom({ guest, reopen }: { guest: GuestView; reopen?: () => Promise<GuestView> }) {
  const me = useMemo(
    () => ({ id: guest.id, displayName: "现场观众", role: "resident", roles: [] }) as unknown as User,
    [guest.id],
  );
  // once in, the live view stays (it shows 已结束 when the forum ends and the server closes the socket);
  // a room the page's boot script brought is shown at once, while the connection is still on its way
  const [connected, setConnected] = useState(() => getSocket().connected || earlyAnswer(guest.forumId) !== undefined);
  const [lost, setLost] = useState<Lost | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: one set of listeners for the page's life; reopen is the page's
  useEffect(() => {
    const socket = getSocket();
    // reopened at most once per refusal: a second refusal straight after is the page's to show
    let reopened = false;
    const update = () => {
      if (socket.connected) reopened = false;
      setConnected((was) => was || socket.connected);
    };
    // A network failure leaves the socket active: Socket.IO tries again by itself. A refusal by the
    // server stops it for good, mostly because this guest session is gone (the cookie was lost, the
    // session expired, another phone took the code over, the forum ended while this one slept).
    // Opening the session again tells which: the same voter comes back without a tap, and an ended
    // forum or a code taken elsewhere is said as such rather than as an offline room for ever.
    const onRefused = () => {
      if (socket.active) return;
      if (!reopen || reopened) return setLost({ kind: "refused" });
      reopened = true;
      reopen().then(
        () => connectAsGuest(),
        (err: unknown) =>
          setLost(
            err instanceof ApiError && err.code === "forum_ended"
              ? { kind: "ended" }
              : { kind: "refused", why: err instanceof ApiError ? err.message : undefined },
          ),
      );
    };
    socket.on("connect", update);
    socket.on("disconnect", update);
    socket.on("connect_error", onRefused);
    connectAsGuest();
    update();
    return () => {
      socket.off("connect", update);
      socket.off("disconnect", update);
      socket.off("connect_error", onRefused);
    };
  }, []);
  if (lost?.kind === "ended") return <GuestEnded title={guest.forumTitle} />;
  if (lost?.kind === "refused") {
    // Opening the page again redeems its code (or the venue device's token) again: the same guest.
    return (
      <GuestShell title={guest.forumTitle}>
        <Result
          status="warning"
          title={t.refused}
          subTitle={lost.why ? `${lost.why}。${t.refusedHint}` : t.refusedHint}
          extra={
            <Button type="primary" size="large" onClick={() => window.location.reload()}>
              {t.reenter}
            </Button>
          }
        />
      </GuestShell>
    );
  }
  if (!connected) {
    return (
      <GuestShell title={guest.forumTitle}>
        <Spin tip={t.connecting}>
          <div className="guest-spin" />
        </Spin>
      </GuestShell>
    );
  }
  return <GuestLive guest={guest} me={me} />;
}

function GuestEnded({ title }: { title: string }) {
  return (
    <GuestShell title={title}>
      <Result status="success" title={t.ended} />
    </GuestShell>
  );
}

function GuestLive({ guest, me }: { guest: GuestView; me: User }) {
  const { room, dispatch, error } = useForumRoom(guest.forumId, me);
  const [tab, setTab] = useState("score");
  if (!room)
    return (
      <GuestShell title={guest.forumTitle}>
        {error ? <Alert type="error" showIcon title={error} /> : <Spin />}
      </GuestShell>
    );
  const { forum } = room;
  const talk = forum.talks.find((x) => x.id === forum.currentTalkId);
  if (forum.status === "ended") return <GuestEnded title={forum.title} />;
  return (
    <GuestShell title={forum.title}>
      <p className="guest-group">
        <Tag color="blue">{t.youAre(guest.groupName)}</Tag>
      </p>
      {forum.status === "scheduled" && <Alert type="info" showIcon title={t.notStarted} />}
      <section className="forum-panel guest-stage" aria-label={t.currentTalk}>
        <h2 className="card-heading">{t.currentTalk}</h2>
        {talk ? (
          <>
            <p className="guest-talk" data-testid="guest-talk">
              {talk.title} · {talk.presenterName}
            </p>
            {talk.deck && <p className="muted small">{t.slide(talk.slide)}</p>}
            {talk.deck &&
              (inAppBrowser() ? (
                <Alert
                  type="info"
                  showIcon
                  title={t.openInBrowser}
                  description={t.openInBrowserHint}
                  data-testid="open-in-browser"
                />
              ) : (
                <a href={`/api/guest/deck/${talk.id}`} download>
                  {t.downloadDeck}
                </a>
              ))}
          </>
        ) : (
          <p className="muted">{t.noTalk}</p>
        )}
      </section>
      <PanelTabs
        activeKey={tab}
        onChange={setTab}
        items={[
          ...(talk && forum.mode === "examination"
            ? [
                {
                  key: "score",
                  label: "评分",
                  children: (
                    <ScorePanel
                      room={room}
                      talk={talk}
                      disabled={false}
                      onBallot={(talkId, scores) => dispatch({ type: "ballot", talkId, scores })}
                    />
                  ),
                },
              ]
            : []),
          {
            key: "questions",
            label: "提问",
            children: <QuestionsPanel room={room} disabled={false} dispatch={dispatch} />,
          },
        ]}
      />
    </GuestShell>
  );
}
