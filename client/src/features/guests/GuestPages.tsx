import { useEffect, useMemo, useState } from "react";
import { useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Radio, Spin, Tag } from "antd";
import { Result } from "../../components/LazyResult.tsx";
import type { User } from "../../../../shared/auth.ts";
import type { GuestView, VenueInfo } from "../../../../shared/forums.ts";
import { api } from "../../api.ts";
import { getSocket } from "../../socket.ts";
import { connectAsGuest, earlyGuest, openGuestCode } from "./guestCode.ts";
import { guests as t } from "../../strings/guests.ts";
import { errorText, useAction } from "../../useAction.ts";
import { QuestionsPanel } from "../forums/QuestionsPanel.tsx";
import { ScorePanel } from "../forums/roomExtras.tsx";
import { PanelTabs } from "../forums/PanelTabs.tsx";
import { useForumRoom } from "../forums/useForumRoom.ts";
import { earlyAnswer } from "../forums/earlyJoin.ts";
import "../forums/forums.css";
import "./guests.css";

/** WeChat's in-app browser cannot save files: a guest is told to open the page in a browser instead. */
const inAppBrowser = () => /MicroMessenger/i.test(navigator.userAgent);

/** `/g/:code`: a printed ballot code opens a guest session for its forum. */
export function GuestCodePage() {
  const { code = "" } = useParams();
  // opened at boot already (guestCode.ts): the first render shows the room
  const [guest, setGuest] = useState<GuestView | null>(() => earlyGuest(code) ?? null);
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    setError(null);
    try {
      setGuest(await openGuestCode(code));
    } catch (err) {
      setError(errorText(err));
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: a code is redeemed once, when it is opened
  useEffect(() => {
    if (!guest) void open();
  }, [code]);
  if (guest) return <GuestRoom guest={guest} />;
  return (
    <GuestShell>
      {error ? (
        <Result
          status="warning"
          title={t.codeFailed}
          subTitle={error}
          extra={<Button onClick={() => void open()}>{t.retry}</Button>}
        />
      ) : (
        <Spin tip={t.opening}>
          <div className="guest-spin" />
        </Spin>
      )}
    </GuestShell>
  );
}

/** `/v/:code`: the venue QR on the projector; a device picks its group once, then keeps its token. */
export function GuestVenuePage() {
  const { code = "" } = useParams();
  const tokenKey = `venue-device:${code}`;
  const [guest, setGuest] = useState<GuestView | null>(null);
  const [group, setGroup] = useState<string>();
  const info = useQuery({
    queryKey: ["guest", "venue", code],
    queryFn: () => api<{ venue: VenueInfo }>(`/api/guest/venue/${code}`),
  });
  const join = useAction({
    mutationFn: (chosen: string | undefined) => {
      const deviceToken = localStorage.getItem(tokenKey) ?? undefined;
      return api<{ guest: GuestView; deviceToken: string }>(`/api/guest/venue/${code}`, {
        method: "POST",
        body: { group: chosen, deviceToken },
      });
    },
    onSuccess: (res) => {
      localStorage.setItem(tokenKey, res.deviceToken);
      setGuest(res.guest);
    },
    // no toast: the failure shows under the groups (below) until the next try
    onError: () => {},
  });
  // a device that already chose comes back as the same voter
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per venue code: a device that chose before comes back as the same voter
  useEffect(() => {
    if (localStorage.getItem(tokenKey)) join.mutate(undefined);
  }, [code]);
  if (guest) return <GuestRoom guest={guest} />;
  const venue = info.data?.venue;
  return (
    <GuestShell title={venue?.forumTitle}>
      {info.isPending && <Spin />}
      {info.isError && <Result status="warning" title={t.codeFailed} subTitle={errorText(info.error)} />}
      {venue && venue.groups.length === 0 && <Alert type="info" showIcon title={t.noGroups} />}
      {venue && venue.groups.length > 0 && (
        <form
          className="guest-pick"
          onSubmit={(e) => {
            e.preventDefault();
            join.mutate(group);
          }}
        >
          <p>{t.pickGroup}</p>
          <Radio.Group value={group} onChange={(e) => setGroup(e.target.value)} className="guest-groups">
            {venue.groups.map((g) => (
              <Radio key={g.id} value={g.id} disabled={g.remaining === 0}>
                {g.name} <span className="muted small">{t.remaining(g.remaining)}</span>
              </Radio>
            ))}
          </Radio.Group>
          {join.error && <Alert type="error" showIcon title={errorText(join.error)} />}
          <Button type="primary" htmlType="submit" block size="large" disabled={!group} loading={join.isPending}>
            {t.join}
          </Button>
        </form>
      )}
    </GuestShell>
  );
}

function GuestShell({ title, children }: { title?: string; children: React.ReactNode }) {
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

/** The live audience view of a guest: the talk on stage, scoring when a round is open, questions. */
function GuestRoom({ guest }: { guest: GuestView }) {
  const me = useMemo(
    () => ({ id: guest.id, displayName: "现场观众", role: "resident", roles: [] }) as unknown as User,
    [guest.id],
  );
  // once in, the live view stays (it shows 已结束 when the forum ends and the server closes the socket);
  // a room the page's boot script brought is shown at once, while the connection is still on its way
  const [connected, setConnected] = useState(() => getSocket().connected || earlyAnswer(guest.forumId) !== undefined);
  useEffect(() => {
    const socket = getSocket();
    const update = () => setConnected((was) => was || socket.connected);
    socket.on("connect", update);
    socket.on("disconnect", update);
    connectAsGuest();
    update();
    return () => {
      socket.off("connect", update);
      socket.off("disconnect", update);
    };
  }, []);
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
  if (forum.status === "ended") {
    return (
      <GuestShell title={forum.title}>
        <Result status="success" title={t.ended} />
      </GuestShell>
    );
  }
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
