import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Checkbox, InputNumber, Select, Space, Table, Tag } from "antd";
import { FLAG_LABELS } from "../../../../shared/enums.ts";
import type { LedgerRow } from "../../../../shared/trainings.ts";
import { ApiError } from "../../api.ts";
import { useCurrentUser } from "../../auth.tsx";
import { useOrg } from "../../org.ts";
import { tr } from "../../strings/trainings.ts";
import { isOrganiser } from "./access.ts";
import { trainingsApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

const l = tr.ledgerPage;
const behind = (r: LedgerRow) =>
  r.missing > 0 || (r.newHireRequired !== null && (r.newHireDone ?? 0) < r.newHireRequired);

/** 培训台账: who is behind this year, and by how much, in one screen and one export. */
export default function LedgerPage() {
  useDocumentTitle(shell.titles.ledger);
  const user = useCurrentUser();
  const organiser = isOrganiser(user);
  const { data: streets = [] } = useOrg();
  const [year, setYear] = useState(new Date().getFullYear());
  const [streetId, setStreetId] = useState<string | undefined>(organiser ? undefined : (user.streetId ?? undefined));
  const [communityId, setCommunityId] = useState<string | undefined>();
  const [onlyBehind, setOnlyBehind] = useState(false);

  const params = new URLSearchParams({ year: String(year) });
  if (streetId) params.set("streetId", streetId);
  if (communityId) params.set("communityId", communityId);
  const ledger = useQuery({
    queryKey: ["ledger", params.toString()],
    queryFn: ({ signal }) => trainingsApi.ledger(params, signal),
  });
  const rows = (ledger.data?.rows ?? []).filter((r) => !onlyBehind || behind(r));
  const allRows = ledger.data?.rows ?? [];
  const visibleStreets = organiser ? streets : streets.filter((s) => s.id === user.streetId);
  const communities = visibleStreets.filter((s) => !streetId || s.id === streetId).flatMap((s) => s.communities);
  const exportUrl = `/api/reports/training?${params}&format=xlsx`;

  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">
          {year} {tr.ledger}
        </h1>
        <a href={exportUrl} download>
          <Button>{l.export}</Button>
        </a>
      </div>
      <Space wrap className="stack-gap">
        <InputNumber aria-label={tr.year} min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        <Select
          aria-label={l.street}
          style={{ minWidth: 140 }}
          value={streetId ?? ""}
          disabled={!organiser}
          onChange={(v) => {
            setStreetId(v || undefined);
            setCommunityId(undefined);
          }}
          options={[
            ...(organiser ? [{ value: "", label: l.allStreets }] : []),
            ...visibleStreets.map((s) => ({ value: s.id, label: s.name })),
          ]}
        />
        <Select
          aria-label={l.community}
          style={{ minWidth: 160 }}
          value={communityId ?? ""}
          onChange={(v) => setCommunityId(v || undefined)}
          options={[
            { value: "", label: l.allCommunities },
            ...communities.map((c) => ({ value: c.id, label: c.name })),
          ]}
        />
        <Checkbox checked={onlyBehind} onChange={(e) => setOnlyBehind(e.target.checked)}>
          {l.onlyBehind}
        </Checkbox>
      </Space>
      {ledger.isError ? (
        <Alert
          type="error"
          showIcon
          message={ledger.error instanceof ApiError && ledger.error.status === 403 ? l.forbidden : ledger.error.message}
        />
      ) : (
        <>
          {ledger.data && <p className="ledger-summary">{l.summary(allRows.filter(behind).length, allRows.length)}</p>}
          <Table<LedgerRow>
            size="small"
            rowKey={(r) => r.user.id}
            loading={ledger.isPending}
            dataSource={rows}
            locale={{ emptyText: l.empty }}
            scroll={{ x: 900 }}
            pagination={{ pageSize: 50, showSizeChanger: false }}
            rowClassName={(r) => (behind(r) ? "ledger-behind" : "")}
            columns={[
              { title: l.street, dataIndex: ["user", "streetName"], width: 90 },
              { title: l.community, dataIndex: ["user", "communityName"], width: 120 },
              { title: l.name, dataIndex: ["user", "displayName"], width: 100 },
              { title: l.flags, render: (_, r) => r.user.flags.map((f) => <Tag key={f}>{FLAG_LABELS[f]}</Tag>) },
              { title: l.required, dataIndex: "required", align: "right", width: 80 },
              { title: l.done, dataIndex: "done", align: "right", width: 80 },
              {
                title: l.missing,
                dataIndex: "missing",
                align: "right",
                width: 80,
                sorter: (a, b) => a.missing - b.missing,
                render: (m: number) =>
                  m > 0 ? <strong className="ledger-missing">{m}</strong> : <span className="ledger-ok">0</span>,
              },
              { title: l.sessions, dataIndex: "sessions", align: "right", width: 70 },
              {
                title: l.newHire,
                render: (_, r) =>
                  r.newHireRequired === null ? (
                    "—"
                  ) : (
                    <span className={(r.newHireDone ?? 0) < r.newHireRequired ? "ledger-missing" : "ledger-ok"}>
                      {r.newHireDone}/{r.newHireRequired}
                      {r.newHireDeadline ? `（${l.deadline} ${r.newHireDeadline}）` : ""}
                    </span>
                  ),
              },
            ]}
          />
        </>
      )}
    </div>
  );
}
