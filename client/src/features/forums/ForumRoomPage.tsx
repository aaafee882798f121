import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { Alert, App, Button, Empty, Modal, Space, Tag } from "antd";
import { Result } from "../../components/LazyResult.tsx";
import { DesktopOutlined, LeftOutlined, RightOutlined, TeamOutlined } from "@ant-design/icons";
import { CAPABILITY_LABELS, ROLE_LABELS } from "../../../../shared/vocabulary.ts";
import type { Talk } from "../../../../shared/forums.ts";
import { useCurrentUser } from "../../auth.tsx";
import { PageSpin } from "../../components/PageSpin.tsx";
import { pageUsable } from "../../layout/headerTools.ts";
import { emitWithAck, useConnectionState } from "../../socket.ts";
import { forums as t } from "../../strings/forums.ts";
import { AgendaPlainList } from "./AgendaPlain.tsx";
import { ChatPanel } from "./ChatPanel.tsx";
import { QuestionsPanel } from "./QuestionsPanel.tsx";
import { PanelTabs } from "./PanelTabs.tsx";
// what the audience needs only later (or never) loads on first use: see roomExtras.tsx
import {
  AgendaList,
  DeckUpload,
  EventCheckinSection,
  HostBar,
  ModerationButton,
  PdfSlide,
  PresenterNotes,
  PreviousCommitmentsCard,
  ScorePanel,
  TalkTimer,
} from "./roomExtras.tsx";
import { type RoomState, useForumRoom } from "./useForumRoom.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.isContentEditable);
}

/** The slide on stage: everyone follows the live page unless they page back on their own. */
function Stage({ room, talk, disabled }: { room: RoomState; talk: Talk; disabled: boolean }) {
  const { message } = App.useApp();
  const presenting = room.viewer.isHost || room.viewer.isPresenter;
  const [follow, setFollow] = useState(true);
  const [ownPage, setOwnPage] = useState(talk.slide);
  const [pageCount, setPageCount] = useState<number | null>(talk.deck?.pageCount ?? null);
  const live = talk.slide;
  const page = presenting || follow ? live : ownPage;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new talk or deck resets following and the count; the viewer's PDF reports the count after that
  useEffect(() => {
    setFollow(true);
    setPageCount(talk.deck?.pageCount ?? null);
  }, [talk.id, talk.deck?.url]);

  // A presenter's quick clicks step on from the page last asked for, not from the page the
  // server has confirmed so far: two clicks on 下一页 turn two pages.
  const asked = useRef<number | null>(null);
  useEffect(() => {
    if (asked.current === live) asked.current = null;
  }, [live]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new talk forgets the page asked for in the last one
  useEffect(() => {
    asked.current = null;
  }, [talk.id]);

  const go = useCallback(
    async (target: number) => {
      if (target < 1 || (pageCount && target > pageCount)) return;
      if (presenting) {
        asked.current = target;
        const ack = await emitWithAck("forum:slide", { forumId: room.forum.id, talkId: talk.id, slide: target });
        if (!ack.ok) {
          asked.current = null;
          message.error(ack.error.message);
        }
      } else {
        setOwnPage(target);
        setFollow(target === live);
      }
    },
    [presenting, pageCount, room.forum.id, talk.id, live, message],
  );
  const from = useCallback(() => (presenting && asked.current !== null ? asked.current : page), [presenting, page]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === "ArrowRight" || e.key === "PageDown") void go(from() + 1);
      if (e.key === "ArrowLeft" || e.key === "PageUp") void go(from() - 1);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [go, from]);

  return (
    <section className="stage" aria-label={t.room.current}>
      <div className="stage-head">
        <div>
          <h2 className="stage-title">{talk.title}</h2>
          <p className="muted small">
            {t.room.presenter}：{talk.presenterName}
            {talk.capability && <Tag className="tag-inline">{CAPABILITY_LABELS[talk.capability]}</Tag>}
            {room.viewer.isPresenter && (
              <Tag className="tag-inline" color="red">
                {t.room.youPresent}
              </Tag>
            )}
          </p>
        </div>
        {(presenting || room.viewer.isHost) && <TalkTimer talk={talk} />}
      </div>
      {talk.deck ? (
        <PdfSlide
          url={talk.deck.url}
          page={page}
          onPageCount={setPageCount}
          label={`${talk.title} ${t.room.page(page, pageCount)}`}
        />
      ) : (
        <div className="pdf-slide pdf-slide-empty">
          <Empty description={t.room.noDeck} />
        </div>
      )}
      {talk.deck && (
        <div className="stage-controls">
          <Button
            icon={<LeftOutlined />}
            onClick={() => void go(from() - 1)}
            disabled={page <= 1 || (presenting && disabled)}
            aria-label={t.room.prev}
          />
          <span className="stage-page" data-testid="page-indicator" aria-live="polite">
            {t.room.page(page, pageCount)}
          </span>
          <Button
            icon={<RightOutlined />}
            onClick={() => void go(from() + 1)}
            disabled={(pageCount !== null && page >= pageCount) || (presenting && disabled)}
            aria-label={t.room.nextPage}
          />
          {!presenting && !follow && (
            <Button type="link" onClick={() => setFollow(true)} data-testid="follow-live">
              {t.room.followLive}
            </Button>
          )}
        </div>
      )}
      {!presenting && !follow && <p className="muted small center">{t.room.browsing(live)}</p>}
      {(room.viewer.isHost || talk.presenterId === room.me.id) && room.forum.status !== "ended" && (
        <div className="presenter-tools">
          <DeckUpload forumId={room.forum.id} talk={talk} />
          {/* notes are the presenter's alone: the server refuses them to anyone else, the host included */}
          {talk.presenterId === room.me.id && talk.deck && (
            <PresenterNotes forumId={room.forum.id} talk={talk} page={page} />
          )}
        </div>
      )}
    </section>
  );
}

function Presence({ room }: { room: RoomState }) {
  const [open, setOpen] = useState(false);
  const { presence } = room;
  return (
    <>
      <Button icon={<TeamOutlined />} onClick={() => setOpen(true)} data-testid="presence">
        {t.presence.title(presence.count)}
      </Button>
      <Modal open={open} onCancel={() => setOpen(false)} footer={null} title={t.presence.title(presence.count)}>
        <Space wrap>
          {Object.entries(presence.byRole).map(([role, n]) => (
            <Tag key={role}>
              {ROLE_LABELS[role as keyof typeof ROLE_LABELS] ?? t.presence.guest} {n}
            </Tag>
          ))}
        </Space>
        {/* a plain list: antd's List brings pagination and a select along (~30 KB) for a dozen names */}
        <ul className="presence-list">
          {presence.users.map((u) => (
            <li key={u.id}>
              {u.displayName}
              <span className="muted">{ROLE_LABELS[u.role] ?? t.presence.guest}</span>
            </li>
          ))}
        </ul>
      </Modal>
    </>
  );
}

export function ForumRoomPage() {
  const { id = "" } = useParams();
  const me = useCurrentUser();
  const { room, status, error, dispatch } = useForumRoom(id, me);
  const [sideTab, setSideTab] = useState("questions");
  useDocumentTitle(room?.forum.title ?? shell.areas.forums.title);
  const connection = useConnectionState();
  const offline = connection !== "connected" || status === "resyncing";
  // the header's bell and menu have waited for the room (a QR code's page) to be usable
  useEffect(() => {
    if (room || status === "error") pageUsable();
  }, [room, status]);

  if (status === "error" && !room)
    return (
      <Result status="warning" title={t.room.loadFailed} subTitle={error} extra={<Link to="..">{t.room.back}</Link>} />
    );
  if (room?.deleted)
    return <Result status="info" title={t.hostTools.deletedByHost} extra={<Link to="..">{t.room.back}</Link>} />;
  if (!room) return <PageSpin />;
  const { forum } = room;
  const talk = forum.talks.find((x) => x.id === forum.currentTalkId);

  const side = [
    {
      key: "questions",
      label: `${t.questions.title} (${room.questions.filter((q) => q.status !== "dismissed").length})`,
      children: <QuestionsPanel room={room} disabled={offline} dispatch={dispatch} />,
    },
    { key: "chat", label: t.chat.title, children: <ChatPanel room={room} disabled={offline} /> },
  ];
  if (forum.mode === "examination" && talk) {
    side.push({
      key: "score",
      label: t.score.title.replace("群众考书记", ""),
      children: (
        <ScorePanel
          room={room}
          talk={talk}
          disabled={offline}
          onBallot={(talkId, scores) => dispatch({ type: "ballot", talkId, scores })}
        />
      ),
    });
  }

  return (
    <div className="page forum-room" data-testid="forum-room">
      {offline && (
        <Alert
          className="reconnect-banner"
          type="warning"
          showIcon
          banner
          title={t.room.reconnecting}
          data-testid="reconnecting"
        />
      )}
      <div className="forum-room-head">
        <div>
          <Link to=".." className="small">
            ← {t.room.back}
          </Link>
          <h1 className="page-title">{forum.title}</h1>
          <Space wrap size={4}>
            <Tag color={forum.mode === "examination" ? "volcano" : "red"}>{t.mode[forum.mode]}</Tag>
            <Tag color={forum.status === "live" ? "green" : "default"} data-testid="forum-status">
              {t.status[forum.status]}
            </Tag>
          </Space>
        </div>
        <Space wrap>
          <Presence room={room} />
          {room.viewer.reviewsAuthors && <ModerationButton forum={forum} />}
          <Link to="screen">
            <Button icon={<DesktopOutlined />}>{t.screenLink}</Button>
          </Link>
          {forum.status === "ended" && (
            <Link to="archive">
              <Button>{t.archive}</Button>
            </Link>
          )}
        </Space>
      </div>
      {room.viewer.isHost && forum.status !== "ended" && (
        <HostBar room={room} disabled={offline} onEnded={(ended) => dispatch({ type: "forum", forum: ended })} />
      )}
      {room.viewer.isHost && <EventCheckinSection kind="forum" activityId={forum.id} />}
      <div className="forum-room-body">
        <div className="forum-room-main">
          {/* 群众考书记: the hall first sees what the secretaries promised last time (open until the first talk) */}
          {forum.mode === "examination" && forum.status !== "ended" && (
            <PreviousCommitmentsCard forumId={forum.id} open={!talk} />
          )}
          {talk ? (
            <Stage key={talk.id} room={room} talk={talk} disabled={offline} />
          ) : (
            <Alert type="info" showIcon title={forum.status === "ended" ? t.room.ended : t.room.notStarted} />
          )}
          <details className="agenda" open={!talk}>
            <summary>{t.room.agenda}</summary>
            {/* only hosts and presenters get tools; everyone else a plain list without the editor's code */}
            {room.viewer.isHost || forum.talks.some((x) => x.presenterId === me.id) ? (
              <AgendaList forum={forum} isHost={room.viewer.isHost} meId={me.id} />
            ) : (
              <AgendaPlainList forum={forum} />
            )}
          </details>
        </div>
        <aside className="forum-room-side">
          <PanelTabs items={side} activeKey={sideTab} onChange={setSideTab} />
        </aside>
      </div>
    </div>
  );
}
