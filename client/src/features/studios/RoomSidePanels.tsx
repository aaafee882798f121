import { Drawer, Empty } from "antd";
import type { Studio, StudioMessage } from "../../../../shared/studios.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { chatTime } from "./format.ts";
import { RichText } from "./RichText.tsx";
import type { RoomState, RoomStore } from "./roomStore.ts";
import { AssignTaskForm, TaskList } from "./TaskPanel.tsx";
import { ExportPanel, SearchPanel } from "./Tools.tsx";

export type SidePanel = "tasks" | "pins" | "search" | "export" | null;

const TITLES: Record<NonNullable<SidePanel>, string> = {
  tasks: t.taskPanel,
  pins: t.pinned,
  search: t.search,
  export: t.export,
};

/**
 * The drawer beside the chat, one panel at a time: tasks (the lead assigns), pinned guidance,
 * search and export. Picking a pin or a search hit closes the drawer and shows that message.
 */
export function RoomSidePanels({
  panel,
  onClose,
  store,
  state,
  studio,
  meId,
  isMentor,
  readOnly,
  onShowSeq,
  onError,
}: {
  panel: SidePanel;
  onClose(): void;
  store: RoomStore;
  state: RoomState;
  studio: Studio;
  meId: string;
  isMentor: boolean;
  readOnly: boolean;
  onShowSeq(seq: number): void;
  onError(message: string): void;
}) {
  const show = (m: Pick<StudioMessage, "seq">) => {
    onClose();
    onShowSeq(m.seq);
  };
  return (
    <Drawer
      open={panel !== null}
      onClose={onClose}
      placement="right"
      size={Math.min(420, typeof window === "undefined" ? 420 : window.innerWidth)}
      title={panel ? TITLES[panel] : ""}
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
            meId={meId}
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
                <button type="button" className="studio-search-hit" onClick={() => show(p)}>
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
      {panel === "search" && <SearchPanel studioId={studio.id} onPick={show} />}
      {panel === "export" && <ExportPanel studioId={studio.id} termStartsAt={studio.termStartsAt} />}
    </Drawer>
  );
}
