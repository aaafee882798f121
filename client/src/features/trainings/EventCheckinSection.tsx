import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App as AntApp, Button, Collapse, InputNumber, Space } from "antd";
import { api, ApiError } from "../../api.ts";
import { tr } from "../../strings/trainings.ts";
import { HostPanel } from "./HostPanel.tsx";
import { trainingsApi } from "./queries.ts";
import "./trainings.css";

/**
 * For the host of a forum or 老书记论坛 event: set its 学时 (attending then counts in the ledger)
 * and open the check-in screen. Folded away so it does not crowd the host's live tools.
 */
export function EventCheckinSection({ kind, activityId }: { kind: "forum" | "qa_event"; activityId: string }) {
  const key = ["checkin-board", kind, activityId];
  const board = useQuery({ queryKey: key, queryFn: () => trainingsApi.board(kind, activityId).then((r) => r.board) });
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const [hours, setHours] = useState<number | null | undefined>(undefined);
  const current = hours === undefined ? (board.data?.hours ?? null) : hours;
  const path = kind === "forum" ? `/api/forums/${activityId}/hours` : `/api/qa/events/${activityId}/hours`;

  const save = async () => {
    try {
      await api(path, { method: "PUT", body: { hours: current } });
      setHours(undefined);
      await queryClient.invalidateQueries({ queryKey: key });
      void message.success(tr.eventHours.saved);
    } catch (err) {
      void message.error(err instanceof ApiError ? err.message : tr.loadFailed);
    }
  };

  if (!board.data) return null;
  return (
    <Collapse
      className="stack-gap"
      items={[
        {
          key: "checkin",
          label: `${tr.checkin.panel}${board.data.hours !== null ? ` · ${tr.hours(board.data.hours)}` : ""}`,
          children: (
            <>
              <Space wrap className="stack-gap">
                <span>{tr.eventHours.label}</span>
                <InputNumber
                  aria-label={tr.eventHours.label}
                  min={0}
                  max={200}
                  step={0.5}
                  value={current}
                  onChange={(v) => setHours(v ?? null)}
                  placeholder={tr.eventHours.none}
                />
                <Button onClick={save}>{tr.eventHours.save}</Button>
              </Space>
              {board.data.hours !== null && <HostPanel key={board.data.hours} kind={kind} activityId={activityId} />}
            </>
          ),
        },
      ]}
    />
  );
}
