import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { App as AntApp, Button, Result, Spin } from "antd";
import type { StudioMessage } from "../../../../shared/studios.ts";
import { useCurrentUser } from "../../auth.tsx";
import { useDocumentTitle } from "../../documentTitle.ts";
import { useConnectionState } from "../../socket.ts";
import { shell } from "../../strings/shell.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { Composer } from "./Composer.tsx";
import { MembersPanel } from "./MembersPanel.tsx";
import { MessageList } from "./MessageList.tsx";
import { RoomBanners } from "./RoomBanners.tsx";
import { RoomHeader } from "./RoomHeader.tsx";
import { RoomSidePanels, type SidePanel } from "./RoomSidePanels.tsx";
import { isOverdue } from "./TaskPanel.tsx";
import { useChatScroll } from "./useChatScroll.ts";
import { useStudioRoom } from "./useStudioRoom.ts";

/** One studio (either kind): members and presence, pinned guidance, the chat, tasks, search and export. */
export function StudioRoomPage() {
  const { studioId = "" } = useParams();
  const me = useCurrentUser();
  const { message: toast } = AntApp.useApp();
  const connection = useConnectionState();
  const { store, state } = useStudioRoom(studioId, me.id);
  useDocumentTitle(state.studio?.name ?? shell.areas.studios.title);
  const [panel, setPanel] = useState<SidePanel>(null);
  const [managing, setManaging] = useState(false);
  const [replyTo, setReplyTo] = useState<StudioMessage | null>(null);
  const [params] = useSearchParams();
  const scroll = useChatScroll(store, state);

  const studio = state.studio;
  const isMentor = studio?.mentorId === me.id;
  const left = studio?.myLeftAt ?? null;
  const readOnly = (studio?.readOnly ?? false) || left !== null;
  const online = connection === "connected" && state.joined;
  const tasksById = useMemo(() => new Map(state.tasks.map((task) => [task.id, task])), [state.tasks]);
  const myOpenTasks = state.tasks.filter((task) =>
    task.states.some((s) => s.userId === me.id && s.state !== "done"),
  ).length;
  const overdueCount = state.tasks.filter((task) => isOverdue(task)).length;
  const onError = useCallback((m: string) => void toast.error(m), [toast]);
  const { showSeq } = scroll;

  // a link to one message (a notification, a search result shared) scrolls to it once the room is loaded
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
  return (
    <div className="studio-room">
      <RoomHeader
        studio={studio}
        me={me}
        readOnly={readOnly}
        left={left}
        pinCount={state.pins.length}
        taskBadge={{ count: isMentor ? overdueCount : myOpenTasks, overdue: overdueCount > 0 }}
        onPanel={setPanel}
        onManage={() => setManaging(true)}
      />
      <RoomBanners
        state={state}
        left={left}
        readOnly={readOnly}
        online={online}
        connection={connection}
        onOpenPins={() => setPanel("pins")}
      />

      <div
        className="studio-scroll"
        ref={scroll.listRef}
        onScroll={scroll.onScroll}
        aria-live="polite"
        aria-relevant="additions"
      >
        <MessageList
          store={store}
          state={state}
          studio={studio}
          meId={me.id}
          isMentor={isMentor}
          readOnly={readOnly || !online}
          tasksById={tasksById}
          onReply={setReplyTo}
          onJump={(seq) => void showSeq(seq)}
          onError={onError}
        />
      </div>
      {scroll.newBelow && (
        <Button className="studio-new-below" type="primary" shape="round" size="small" onClick={scroll.scrollToBottom}>
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
            scroll.followOwnMessage();
          }}
          onTyping={(active) => store.typing(active)}
          onError={onError}
        />
      )}

      {managing && (
        <MembersPanel
          studio={studio}
          open
          onClose={() => setManaging(false)}
          onChanged={(updated) => store.showStudio(updated)}
        />
      )}
      <RoomSidePanels
        panel={panel}
        onClose={() => setPanel(null)}
        store={store}
        state={state}
        studio={studio}
        meId={me.id}
        isMentor={isMentor}
        readOnly={readOnly}
        onShowSeq={(seq) => void showSeq(seq)}
        onError={onError}
      />
    </div>
  );
}
