import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { Alert, App as AntApp, Badge, Button, Drawer, Dropdown, Empty, Result, Spin, Tag } from "antd";
import {
  ArrowLeftOutlined,
  CheckSquareOutlined,
  DownloadOutlined,
  MoreOutlined,
  PushpinOutlined,
  SearchOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import type { StudioMessage } from "../../../../shared/studios.ts";
import { useCurrentUser } from "../../auth.tsx";
import { canManageStreet } from "../../roles.ts";
import { useConnectionState } from "../../socket.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { Composer } from "./Composer.tsx";
import { chatTime, day, fromNow } from "./format.ts";
import { leadLabel, MembersPanel } from "./MembersPanel.tsx";
import { MessageItem, PendingItem } from "./MessageItem.tsx";
import { RichText } from "./RichText.tsx";
import { RoomStore } from "./roomStore.ts";
import { AssignTaskForm, isOverdue, TaskList } from "./TaskPanel.tsx";
import { ExportPanel, SearchPanel } from "./Tools.tsx";
import { nameWithRole } from "../../roles.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

type Panel = "tasks" | "pins" | "search" | "export" | null;

function useRoom(studioId: string, meId: string) {
  const store = useMemo(() => new RoomStore(studioId, meId), [studioId, meId]);
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { store, state };
}

/** One studio (either kind): members and presence, pinned guidance, the chat, tasks, search and export. */
export function StudioRoomPage() {
  const { studioId = "" } = useParams();
  const me = useCurrentUser();
  const { message: toast } = AntApp.useApp();
  const connection = useConnectionState();
  const { store, state } = useRoom(studioId, me.id);
  useDocumentTitle(state.studio?.name ?? shell.areas.studios.title);
  const [panel, setPanel] = useState<Panel>(null);
  const [replyTo, setReplyTo] = useState<StudioMessage | null>(null);
  const [params] = useSearchParams();
  const listRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const prevFirstSeq = useRef(0);
  const prevHeight = useRef(0);
  const [newBelow, setNewBelow] = useState(false);

  const studio = state.studio;
  const isMentor = studio?.mentorId === me.id;
  const left = studio?.myLeftAt ?? null;
  const readOnly = (studio?.readOnly ?? false) || left !== null;
  const [managing, setManaging] = useState(false);
  const online = connection === "connected" && state.joined;
  const tasksById = useMemo(() => new Map(state.tasks.map((task) => [task.id, task])), [state.tasks]);
  const myOpenTasks = state.tasks.filter((task) => task.states.some((s) => s.userId === me.id && s.state !== "done")).length;
  const overdueCount = state.tasks.filter((task) => isOverdue(task)).length;
  const onError = useCallback((m: string) => void toast.error(m), [toast]);

  // Keep the view pinned to the bottom when new messages arrive, and in place when older ones load above.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const first = state.messages[0]?.seq ?? 0;
    if (prevFirstSeq.current && first < prevFirstSeq.current && prevHeight.current) {
      el.scrollTop += el.scrollHeight - prevHeight.current;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    } else {
      setNewBelow(true);
    }
    prevFirstSeq.current = first;
    prevHeight.current = el.scrollHeight;
  }, [state.messages, state.pending]);

  const markReadIfSeen = useCallback(() => {
    if (atBottom.current && document.visibilityState === "visible") store.markRead();
  }, [store]);
  useEffect(markReadIfSeen, [state.messages, state.joined, markReadIfSeen]);
  useEffect(() => {
    document.addEventListener("visibilitychange", markReadIfSeen);
    return () => document.removeEventListener("visibilitychange", markReadIfSeen);
  }, [markReadIfSeen]);

  const onScroll = () => {
    const el = listRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    prevHeight.current = el.scrollHeight;
    if (atBottom.current) {
      setNewBelow(false);
      markReadIfSeen();
    }
    if (el.scrollTop < 80 && state.hasOlder && !state.loadingOlder) void store.loadOlder();
  };

  const scrollToBottom = () => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setNewBelow(false);
    markReadIfSeen();
  };

  /** Scrolls to a message, loading older pages until it is there (bounded). */
  const showSeq = useCallback(
    async (seq: number) => {
      for (let i = 0; i < 20 && store.minSeq > seq && store.state.hasOlder; i++) await store.loadOlder();
      requestAnimationFrame(() => {
        const el = document.getElementById(`msg-${seq}`);
        if (!el) return;
        atBottom.current = false;
        el.scrollIntoView({ block: "center" });
        el.classList.add("studio-msg-flash");
        setTimeout(() => el.classList.remove("studio-msg-flash"), 2000);
      });
    },
    [store],
  );
  const linkedSeq = Number(params.get("seq") ?? 0);
  const ready = state.status === "ready";
  useEffect(() => {
    if (ready && linkedSeq > 0) void showSeq(linkedSeq);
  }, [ready, linkedSeq, showSeq]);

  if (state.status === "error") {
    const forbidden = state.error?.code === "forbidden";
    return (
      <Result
        status={forbidden ? "403" : "404"}
        title={forbidden ? t.notMember : state.error?.code === "not_found" ? t.notFound : t.loadFailed}
        subTitle={state.error?.message}
        extra={<Link to="/studios">{t.back}</Link>}
      />
    );
  }
  if (!studio) {
    return (
      <div className="studio-center">
        <Spin size="large" />
      </div>
    );
  }

  const typingNames = state.typing.map((x) => x.displayName);
  const memberLine = studio.members.map((m) => (
    <span key={m.userId} className="studio-member" data-testid="studio-member">
      <Badge status={m.online ? "success" : "default"} />
      {m.role === "mentor" ? nameWithRole(m.displayName, leadLabel(studio.kind)) : m.displayName}
      <span className="studio-muted">
        {m.userId === me.id ? "" : m.online ? ` ${t.online}` : ` ${m.lastSeenAt ? t.lastSeen(fromNow(m.lastSeenAt)) : t.neverSeen}`}
      </span>
    </span>
  ));

  const moreItems = [
    ...(canManageStreet(me, studio.streetId) ? [{ key: "members", icon: <TeamOutlined />, label: t.manageMembers }] : []),
    { key: "pins", icon: <PushpinOutlined />, label: t.pinnedCount(state.pins.length) },
    { key: "search", icon: <SearchOutlined />, label: t.search },
    { key: "export", icon: <DownloadOutlined />, label: t.export },
  ];

  return (
    <div className="studio-room">
      <header className="studio-room-head">
        <Link to="/studios" aria-label={t.back} className="studio-back">
          <ArrowLeftOutlined />
        </Link>
        <div className="studio-room-title">
          <h1>
            {studio.name} {readOnly && <Tag>{left ? t.leftTag : t.readOnlyTag}</Tag>}
          </h1>
          <div className="studio-members">{memberLine}</div>
        </div>
        <Badge count={isMentor ? overdueCount : myOpenTasks} size="small" color={overdueCount ? "red" : "blue"}>
          <Button icon={<CheckSquareOutlined />} onClick={() => setPanel("tasks")} data-testid="studio-tasks-button" aria-label={t.taskPanel}>
            <span className="studio-btn-label">{t.tasks}</span>
          </Button>
        </Badge>
        <Dropdown
          menu={{ items: moreItems, onClick: ({ key }) => (key === "members" ? setManaging(true) : setPanel(key as Panel)) }}
          trigger={["click"]}
        >
          <Button icon={<MoreOutlined />} aria-label={t.more} />
        </Dropdown>
      </header>

      {state.pins.length > 0 && (
        <button type="button" className="studio-pinbar" onClick={() => setPanel("pins")} data-testid="studio-pinbar">
          <PushpinOutlined aria-hidden="true" /> <strong>{t.pinned}</strong>
          <span className="studio-pinbar-text">{state.pins[state.pins.length - 1]!.text}</span>
          {state.pins.length > 1 && <span className="studio-muted">+{state.pins.length - 1}</span>}
        </button>
      )}
      {left ? (
        <Alert type="info" showIcon title={t.leftBanner(day(left))} className="studio-banner" data-testid="studio-left-banner" />
      ) : (
        readOnly && <Alert type="info" showIcon title={t.readOnlyHint} className="studio-banner" />
      )}
      {!online && !readOnly && (
        <Alert
          type="warning"
          showIcon
          className="studio-banner"
          data-testid="studio-offline"
          banner
          title={`${connection === "offline" ? t.offlineBanner : t.reconnecting}${state.pending.length ? `（${t.pendingCount(state.pending.length)}）` : ""}`}
        />
      )}

      <div className="studio-scroll" ref={listRef} onScroll={onScroll} aria-live="polite" aria-relevant="additions">
        <div className="studio-history-edge">
          {state.loadingOlder ? (
            <Spin size="small" tip={t.loadingOlder} />
          ) : state.hasOlder ? (
            <Button type="link" size="small" onClick={() => void store.loadOlder()}>
              {t.loadOlder}
            </Button>
          ) : state.messages.length > 0 ? (
            <span className="studio-muted">{t.beginning}</span>
          ) : null}
        </div>
        {state.messages.length === 0 && state.pending.length === 0 ? (
          <Empty description={t.noMessages} image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <ol className="studio-messages" data-testid="studio-messages">
            {state.messages.map((m, i) => {
              const prev = state.messages[i - 1];
              const showDay = !prev || day(prev.createdAt) !== day(m.createdAt);
              return (
                <DayGroup key={m.seq} show={showDay} iso={m.createdAt}>
                  <MessageItem
                    message={m}
                    mine={m.authorId === me.id}
                    isMentor={isMentor}
                    readOnly={readOnly || !online}
                    members={studio.members}
                    task={m.taskId ? tasksById.get(m.taskId) : undefined}
                    meId={me.id}
                    onReply={setReplyTo}
                    onJump={(seq) => void showSeq(seq)}
                    onEdit={(msg, text) => store.edit(msg.id, text)}
                    onWithdraw={(msg) => store.withdraw(msg.id)}
                    onPin={(msg, pinned) => store.pin(msg.id, pinned)}
                    onTaskState={(taskId, s) => store.setTaskState(taskId, s)}
                    onError={onError}
                  />
                </DayGroup>
              );
            })}
            {state.pending.map((p) => (
              <PendingItem key={p.clientId} p={p} onRetry={() => store.retry(p.clientId)} onDiscard={() => store.discard(p.clientId)} />
            ))}
          </ol>
        )}
      </div>
      {newBelow && (
        <Button className="studio-new-below" type="primary" shape="round" size="small" onClick={scrollToBottom}>
          {t.newMessages}
        </Button>
      )}
      <div className="studio-typing" aria-live="polite" data-testid="studio-typing">
        {typingNames.length > 0 ? t.typing(typingNames) : " "}
      </div>
      {!readOnly && (
        <Composer
          studioId={studio.id}
          members={studio.members}
          meId={me.id}
          online={online}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
          onSend={(text, attachment) => {
            store.send(text, replyTo, attachment);
            setReplyTo(null);
            atBottom.current = true;
          }}
          onTyping={(active) => store.typing(active)}
          onError={onError}
        />
      )}

      {managing && <MembersPanel studio={studio} open onClose={() => setManaging(false)} onChanged={(updated) => store.showStudio(updated)} />}
      <Drawer
        open={panel !== null}
        onClose={() => setPanel(null)}
        placement="right"
        size={Math.min(420, typeof window === "undefined" ? 420 : window.innerWidth)}
        title={
          panel === "tasks" ? t.taskPanel : panel === "pins" ? t.pinned : panel === "search" ? t.search : panel === "export" ? t.export : ""
        }
        destroyOnHidden
      >
        {panel === "tasks" && (
          <>
            {isMentor && !readOnly && (
              <div className="studio-assign">
                <AssignTaskForm onAssign={(input) => store.assignTask(input)} />
              </div>
            )}
            <TaskList
              tasks={state.tasks}
              meId={me.id}
              readOnly={readOnly}
              onState={(taskId, s) => store.setTaskState(taskId, s)}
              onError={onError}
            />
          </>
        )}
        {panel === "pins" &&
          (state.pins.length === 0 ? (
            <Empty description={t.noPins} image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ) : (
            <ul className="studio-pin-list">
              {[...state.pins].reverse().map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    className="studio-search-hit"
                    onClick={() => {
                      setPanel(null);
                      void showSeq(p.seq);
                    }}
                  >
                    <span className="studio-muted">
                      {p.authorName} · {chatTime(p.createdAt)}
                    </span>
                    <div>
                      <RichText text={p.text} />
                    </div>
                  </button>
                </li>
              ))}
            </ul>
          ))}
        {panel === "search" && (
          <SearchPanel
            studioId={studio.id}
            onPick={(m) => {
              setPanel(null);
              void showSeq(m.seq);
            }}
          />
        )}
        {panel === "export" && <ExportPanel studioId={studio.id} termStartsAt={studio.termStartsAt} />}
      </Drawer>
    </div>
  );
}

function DayGroup({ show, iso, children }: { show: boolean; iso: string; children: React.ReactNode }) {
  return (
    <>
      {show && (
        <li className="studio-day" aria-hidden="true">
          <span>{day(iso)}</span>
        </li>
      )}
      {children}
    </>
  );
}
