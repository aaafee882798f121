import { Button, Empty, Spin } from "antd";
import type { Studio, StudioMessage, StudioTask } from "../../../../shared/studios.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { day } from "./format.ts";
import { MessageItem, PendingItem } from "./MessageItem.tsx";
import type { RoomState, RoomStore } from "./roomStore.ts";

/**
 * The chat's contents, oldest first: the history edge (load older / the beginning), the messages
 * under a line for each day, then this tab's messages still waiting to be sent.
 */
export function MessageList({
  store,
  state,
  studio,
  meId,
  isMentor,
  readOnly,
  tasksById,
  onReply,
  onJump,
  onError,
}: {
  store: RoomStore;
  state: RoomState;
  studio: Studio;
  meId: string;
  isMentor: boolean;
  /** no actions on messages: the studio is read-only for this person, or the room is offline */
  readOnly: boolean;
  tasksById: Map<string, StudioTask>;
  onReply(message: StudioMessage): void;
  onJump(seq: number): void;
  onError(message: string): void;
}) {
  return (
    <>
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
                  mine={m.authorId === meId}
                  isMentor={isMentor}
                  readOnly={readOnly}
                  members={studio.members}
                  task={m.taskId ? tasksById.get(m.taskId) : undefined}
                  meId={meId}
                  onReply={onReply}
                  onJump={onJump}
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
            <PendingItem
              key={p.clientId}
              p={p}
              onRetry={() => store.retry(p.clientId)}
              onDiscard={() => store.discard(p.clientId)}
            />
          ))}
        </ol>
      )}
    </>
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
