import { useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Alert, Button, DatePicker, Empty, Grid, List, Select, Space, Table, type TableColumnsType } from "antd";
import { DownloadOutlined } from "@ant-design/icons";
import type { Dayjs } from "dayjs";
import type { User } from "../../../shared/auth.ts";
import { AUDIT_ACTION_LABELS, type AuditEntryView, type AuditPage as AuditPageData } from "../../../shared/audit.ts";
import { api, ApiError } from "../api.ts";
import { accounts } from "../strings/accounts.ts";
import { shell } from "../strings/shell.ts";
import { useDocumentTitle } from "../documentTitle.ts";

const PAGE_SIZE = 50;
const actionOptions = Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label }));
const time = (iso: string) => new Date(iso).toLocaleString("zh-CN", { hour12: false });
const summary = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value));

/** 审计日志 for organisers: filter by who, what, whom and when; export what the filters show. */
export default function AuditPage() {
  useDocumentTitle(accounts.audit.title);
  const t = accounts.audit;
  const screens = Grid.useBreakpoint();
  const [actorId, setActorId] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [targetId, setTargetId] = useState<string | null>(null);
  const [dates, setDates] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);

  const people = useQuery({
    queryKey: ["users"],
    queryFn: ({ signal }) => api<{ users: User[] }>("/api/users", { signal }).then((r) => r.users),
  });
  const personOptions = (people.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }));

  const filters = useMemo(() => {
    const q = new URLSearchParams();
    if (actorId) q.set("actorId", actorId);
    if (action) q.set("action", action);
    if (targetId) q.set("targetId", targetId);
    if (dates?.[0]) q.set("from", dates[0].format("YYYY-MM-DD"));
    if (dates?.[1]) q.set("to", dates[1].format("YYYY-MM-DD"));
    return q;
  }, [actorId, action, targetId, dates]);
  const listQuery = new URLSearchParams(filters);
  listQuery.set("limit", String(PAGE_SIZE));
  listQuery.set("offset", String((page - 1) * PAGE_SIZE));

  const entries = useQuery({
    queryKey: ["audit", listQuery.toString()],
    queryFn: ({ signal }) => api<AuditPageData>(`/api/audit?${listQuery}`, { signal }),
    placeholderData: keepPreviousData,
  });
  const exportHref = (format: "xlsx" | "csv") => {
    const q = new URLSearchParams(filters);
    q.set("format", format);
    return `/api/audit/export?${q}`;
  };
  const refilter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };

  const who = (e: AuditEntryView) => e.actor?.displayName ?? t.system;
  const what = (e: AuditEntryView) => AUDIT_ACTION_LABELS[e.action] ?? e.action;
  const change = (e: AuditEntryView) => (
    <span className="audit-change">
      {e.before !== null && <span className="muted">{summary(e.before)} → </span>}
      {summary(e.after ?? e.meta)}
    </span>
  );
  const columns: TableColumnsType<AuditEntryView> = [
    { title: t.at, key: "at", width: 170, render: (_, e) => time(e.at) },
    { title: t.actor, key: "actor", width: 120, render: (_, e) => who(e) },
    { title: t.action, key: "action", width: 120, render: (_, e) => what(e) },
    { title: t.target, key: "target", width: 120, render: (_, e) => e.targetName ?? e.targetType },
    { title: t.change, key: "change", render: (_, e) => change(e) },
  ];

  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">{t.title}</h1>
        <Space wrap>
          <Button icon={<DownloadOutlined />} href={exportHref("xlsx")}>
            {t.exportXlsx}
          </Button>
          <Button icon={<DownloadOutlined />} href={exportHref("csv")}>
            {t.exportCsv}
          </Button>
        </Space>
      </div>
      <p className="muted">{t.retention}</p>
      <div className="admin-filters stack-gap">
        <Select
          allowClear
          showSearch={{ optionFilterProp: "label" }}
          aria-label={t.actor}
          placeholder={t.anyActor}
          options={personOptions}
          value={actorId}
          onChange={refilter(setActorId)}
          className="audit-filter"
        />
        <Select
          allowClear
          aria-label={t.action}
          placeholder={t.anyAction}
          options={actionOptions}
          value={action}
          onChange={refilter(setAction)}
          className="audit-filter"
        />
        <Select
          allowClear
          showSearch={{ optionFilterProp: "label" }}
          aria-label={t.target}
          placeholder={t.anyTarget}
          options={personOptions}
          value={targetId}
          onChange={refilter(setTargetId)}
          className="audit-filter"
        />
        <DatePicker.RangePicker
          aria-label={t.dates}
          value={dates}
          onChange={refilter((v) => setDates(v as [Dayjs | null, Dayjs | null] | null))}
        />
      </div>
      {entries.isError ? (
        <Alert
          type="error"
          showIcon
          title={entries.error instanceof ApiError ? entries.error.message : shell.common.loadFailed}
        />
      ) : screens.md === false ? (
        <List<AuditEntryView>
          loading={entries.isLoading}
          dataSource={entries.data?.entries ?? []}
          locale={{ emptyText: <Empty description={t.empty} /> }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: entries.data?.total ?? 0,
            onChange: setPage,
            simple: true,
            hideOnSinglePage: true,
          }}
          renderItem={(e) => (
            <List.Item>
              <div>
                <div>
                  <strong>{what(e)}</strong> · {who(e)} → {e.targetName ?? e.targetType}
                </div>
                <div className="muted">{time(e.at)}</div>
                <div>{change(e)}</div>
              </div>
            </List.Item>
          )}
        />
      ) : (
        <Table<AuditEntryView>
          rowKey="id"
          columns={columns}
          dataSource={entries.data?.entries ?? []}
          loading={entries.isFetching}
          size="middle"
          locale={{ emptyText: t.empty }}
          data-testid="audit-table"
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: entries.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (n) => t.total(n),
          }}
        />
      )}
    </div>
  );
}
