import { lazy, Suspense, useState, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  Empty,
  InputNumber,
  Select,
  Skeleton,
  Statistic,
  Table,
  type TableColumnsType,
} from "antd";
import { DownloadOutlined } from "@ant-design/icons";
import {
  DASHBOARD_TABLE_LABELS,
  type Dashboard,
  type DashboardAnswerer,
  type DashboardBehind,
  type DashboardProposalStage,
  type DashboardStudio,
  type DashboardTable,
} from "../../../../shared/dashboard.ts";
import { ApiError } from "../../api.ts";
import { useCurrentUser } from "../../auth.tsx";
import { useOrg } from "../../org.ts";
import { dash } from "../../strings/dashboard.ts";
import { isOrganiser } from "./access.ts";
import { dashboardApi, type DashboardScope } from "./queries.ts";
import "./dashboard.css";

// ECharts is loaded with the charts only, so no other page carries it.
const DashboardCharts = lazy(() => import("./DashboardCharts.tsx"));

const c = dash.columns;
/** The district's calendar year (UTC+8), not the browser's. */
const districtYear = () => new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

/** 区级看板 at /dashboard: the year of the district (organisers) or of one's own street (street admins). */
export default function DashboardPage() {
  const user = useCurrentUser();
  const organiser = isOrganiser(user);
  const { data: streets = [] } = useOrg();
  const [year, setYear] = useState(districtYear);
  const [streetId, setStreetId] = useState<string | undefined>(organiser ? undefined : (user.streetId ?? undefined));
  const scope: DashboardScope = { year, streetId };
  const query = useQuery({
    queryKey: ["dashboard", year, streetId ?? ""],
    queryFn: ({ signal }) => dashboardApi.get(scope, signal),
    placeholderData: (previous) => previous,
  });
  const scopeName = streetId ? (streets.find((s) => s.id === streetId)?.name ?? "") : dash.district;
  const visibleStreets = organiser ? streets : streets.filter((s) => s.id === user.streetId);

  return (
    <div className="page dashboard">
      <div className="page-header">
        <h1 className="page-title">{dash.title(year, scopeName)}</h1>
        <div className="dashboard-filters">
          <InputNumber aria-label={dash.year} min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
          <Select
            aria-label={dash.street}
            className="dashboard-street"
            value={streetId ?? ""}
            disabled={!organiser}
            onChange={(v) => setStreetId(v || undefined)}
            options={[
              ...(organiser ? [{ value: "", label: dash.allStreets }] : []),
              ...visibleStreets.map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
        </div>
      </div>
      {query.isError ? (
        <Alert
          type="error"
          showIcon
          message={query.error instanceof ApiError && query.error.status === 403 ? dash.forbidden : dash.loadError}
          description={query.error instanceof ApiError && query.error.status === 403 ? undefined : query.error.message}
          action={
            <Button size="small" onClick={() => void query.refetch()}>
              {dash.retry}
            </Button>
          }
        />
      ) : !query.data ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : (
        <DashboardBody dashboard={query.data} scope={scope} />
      )}
    </div>
  );
}

function DashboardBody({ dashboard: d, scope }: { dashboard: Dashboard; scope: DashboardScope }) {
  const rate = d.attendance.rate === null ? "—" : `${Math.round(d.attendance.rate * 100)}%`;
  return (
    <>
      <section className="dashboard-cards" aria-label="本年度概况">
        <Card size="small">
          <Statistic title={dash.cards.trainings} value={d.activities.trainings} suffix={dash.cards.held} />
        </Card>
        <Card size="small">
          <Statistic title={dash.cards.forums} value={d.activities.forums} suffix={dash.cards.held} />
        </Card>
        <Card size="small">
          <Statistic title={dash.cards.events} value={d.activities.events} suffix={dash.cards.held} />
        </Card>
        <Card size="small">
          <Statistic title={dash.cards.attendance} value={rate} />
          <div className="dashboard-hint">{dash.cards.attendanceHint(d.attendance.attended, d.attendance.counted)}</div>
        </Card>
        <Card size="small">
          <Statistic title={dash.cards.sessions} value={d.attendance.sessions} />
        </Card>
        <Card size="small">
          <Statistic title={dash.cards.tasksDone} value={d.growth.tasksDone} />
        </Card>
        <Card size="small">
          <Statistic
            title={dash.cards.proposals}
            value={`${d.growth.proposalsSubmitted} / ${d.growth.proposalsApproved}`}
          />
        </Card>
        <Card size="small">
          <Statistic title={dash.cards.answers} value={d.growth.answersAccepted + d.growth.eventQuestionsAnswered} />
        </Card>
      </section>

      <div className="dashboard-grid">
        <Panel title={dash.hoursChart} table="streets" scope={scope} wide>
          {d.streets.length === 0 ? <Empty description={dash.none} /> : <ChartSlot dashboard={d} which="hours" />}
        </Panel>
        <Panel title={dash.radar} table="capabilities" scope={scope}>
          {d.capabilities.every((cap) => cap.count === 0) ? (
            <Empty description={dash.none} />
          ) : (
            <>
              <ChartSlot dashboard={d} which="radar" />
              <p className="dashboard-hint">{dash.radarHint}</p>
            </>
          )}
        </Panel>
        <Panel title={DASHBOARD_TABLE_LABELS.behind} table="behind" scope={scope}>
          <Table<DashboardBehind>
            size="small"
            rowKey="userId"
            dataSource={d.behind}
            pagination={false}
            locale={{ emptyText: dash.none }}
            columns={[
              { title: c.name, dataIndex: "displayName" },
              { title: c.community, render: (_, r) => `${r.streetName.replace(/街道$/, "")}·${r.communityName}` },
              { title: c.required, dataIndex: "required", align: "right" },
              { title: c.done, dataIndex: "done", align: "right" },
              {
                title: c.missing,
                dataIndex: "missing",
                align: "right",
                render: (m: number) => <strong className="dashboard-missing">{m}</strong>,
              },
            ]}
          />
        </Panel>
        <Panel title={DASHBOARD_TABLE_LABELS.studios} table="studios" scope={scope}>
          <Table<DashboardStudio>
            size="small"
            rowKey="id"
            dataSource={d.studios}
            pagination={d.studios.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
            locale={{ emptyText: dash.none }}
            columns={[
              { title: c.studio, dataIndex: "name" },
              { title: c.mentor, dataIndex: "mentorName" },
              { title: c.messages, dataIndex: "messages", align: "right" },
              { title: c.tasksDone, dataIndex: "tasksDone", align: "right" },
            ]}
          />
        </Panel>
        <Panel title={DASHBOARD_TABLE_LABELS.proposals} table="proposals" scope={scope}>
          <Table<DashboardProposalStage>
            size="small"
            rowKey="status"
            dataSource={d.proposals}
            pagination={false}
            columns={[
              { title: c.stage, dataIndex: "label" },
              { title: c.count, dataIndex: "count", align: "right" },
            ]}
          />
        </Panel>
        <Panel title={DASHBOARD_TABLE_LABELS.qa} table="qa" scope={scope}>
          <Table<DashboardAnswerer>
            size="small"
            rowKey="userId"
            dataSource={d.qa}
            pagination={false}
            locale={{ emptyText: dash.none }}
            columns={answererColumns}
          />
        </Panel>
      </div>
    </>
  );
}

const answererColumns: TableColumnsType<DashboardAnswerer> = [
  { title: c.name, dataIndex: "displayName" },
  { title: c.street, render: (_, r) => r.streetName ?? "—" },
  { title: c.accepted, dataIndex: "answersAccepted", align: "right" },
  { title: c.eventAnswered, dataIndex: "eventQuestionsAnswered", align: "right" },
];

function ChartSlot(props: { dashboard: Dashboard; which: "hours" | "radar" }) {
  return (
    <Suspense
      fallback={
        <div className="dashboard-chart-loading" role="status">
          {dash.chartLoading}
        </div>
      }
    >
      <DashboardCharts {...props} />
    </Suspense>
  );
}

/** A card with its table's 导出 Excel link (the server builds the sheet for the same year and street). */
function Panel({
  title,
  table,
  scope,
  wide,
  children,
}: {
  title: string;
  table: DashboardTable;
  scope: DashboardScope;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <Card
      size="small"
      title={<h2 className="dashboard-panel-title">{title}</h2>}
      className={wide ? "dashboard-panel dashboard-panel-wide" : "dashboard-panel"}
      extra={
        <Button
          size="small"
          icon={<DownloadOutlined />}
          href={dashboardApi.exportUrl(table, scope)}
          download
          aria-label={dash.exportLabel(DASHBOARD_TABLE_LABELS[table])}
        >
          {dash.export}
        </Button>
      }
    >
      {children}
    </Card>
  );
}
