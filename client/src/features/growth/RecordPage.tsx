import { lazy, Suspense, useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Select,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Timeline,
} from "antd";
import { DownloadOutlined, PrinterOutlined } from "@ant-design/icons";
import { EVIDENCE_KIND_LABELS } from "../../../../shared/evidence.ts";
import type { EvidenceEntry, GrowthRecord } from "../../../../shared/growth.ts";
import { CAPABILITY_LABELS, LEVEL_LABELS, LEVELS, type Level } from "../../../../shared/vocabulary.ts";
import { ApiError } from "../../api.ts";
import { growth } from "../../strings/growth.ts";
import { growthApi } from "./queries.ts";

const CapabilityRadar = lazy(() => import("./CapabilityRadar.tsx"));

const thisYear = () => Number(new Date().toLocaleString("en-US", { year: "numeric", timeZone: "Asia/Shanghai" }));
const dateOf = (iso: string) => new Date(iso).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" });

/** 成长档案: one person's year — hours, six-capability radar, timeline, level history, notes. */
export default function RecordPage() {
  const { id = "" } = useParams();
  const [year, setYear] = useState(thisYear());
  const record = useQuery({
    queryKey: ["growth-record", id, year],
    queryFn: ({ signal }) => growthApi.record(id, year, signal),
  });
  const years = Array.from({ length: 6 }, (_, i) => thisYear() - i);

  if (record.isError) {
    const err = record.error;
    const text =
      err instanceof ApiError && err.status === 403
        ? growth.forbidden
        : err instanceof ApiError && err.status === 404
          ? growth.notFound
          : err.message;
    return (
      <div className="page">
        <Alert type="error" showIcon message={text} />
      </div>
    );
  }
  const data = record.data;
  return (
    <div className="page growth-page">
      <div className="page-header">
        <h1 className="page-title">
          {data ? growth.title(data.user.displayName) : <Skeleton.Input active size="small" />}
        </h1>
        <Space wrap className="growth-actions">
          <Select
            aria-label={growth.year}
            value={year}
            onChange={setYear}
            options={years.map((y) => ({ value: y, label: growth.yearOption(y) }))}
            style={{ minWidth: 100 }}
          />
          <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!data}>
            {growth.print}
          </Button>
          <a href={growthApi.xlsxUrl(id, year)} download>
            <Button icon={<DownloadOutlined />}>{growth.exportXlsx}</Button>
          </a>
        </Space>
      </div>
      {!data ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <>
          <p className="growth-subtitle">
            {growth.yearOption(data.year)} · {growth.level}：<Tag color="blue">{LEVEL_LABELS[data.user.level]}</Tag>
            {data.user.streetName &&
              ` · ${growth.place}：${data.user.streetName}${data.user.communityName ? ` · ${data.user.communityName}` : ""}`}
          </p>
          <div className="growth-top">
            <HoursCard record={data} />
            <Card title={growth.radar.title} className="growth-radar-card">
              <Suspense
                fallback={
                  <Skeleton.Node active className="growth-radar">
                    {growth.radar.loading}
                  </Skeleton.Node>
                }
              >
                <CapabilityRadar capabilities={data.capabilities} year={data.year} />
              </Suspense>
              <p className="growth-caption">{growth.radar.caption}</p>
            </Card>
          </div>
          <Card title={growth.timeline.title} className="growth-timeline">
            <EvidenceTimeline items={data.evidence} />
          </Card>
          <LevelSection record={data} />
          <NotesSection record={data} />
        </>
      )}
    </div>
  );
}

function HoursCard({ record }: { record: GrowthRecord }) {
  const h = record.hours;
  return (
    <Card title={growth.hours.title} className="growth-hours">
      {h ? (
        <div className="growth-hours-grid">
          <Statistic title={growth.hours.done} value={h.done} />
          <Statistic title={growth.hours.required} value={h.required} />
          <Statistic
            title={growth.hours.missing}
            value={h.missing}
            valueStyle={h.missing > 0 ? { color: "#cf1322" } : undefined}
          />
          <Statistic title={growth.hours.sessions} value={h.sessions} />
        </div>
      ) : (
        <p>{growth.hours.notCounted}</p>
      )}
    </Card>
  );
}

function EvidenceTimeline({ items }: { items: EvidenceEntry[] }) {
  if (items.length === 0) return <Empty description={growth.timeline.empty} />;
  return (
    <Timeline
      items={items.map((item) => ({
        key: item.id,
        children: (
          <div className="growth-item" data-testid="evidence-item">
            <div>
              <span className="growth-item-date">{dateOf(item.at)}</span> <Tag>{EVIDENCE_KIND_LABELS[item.kind]}</Tag>
              {item.link ? <Link to={item.link}>{item.title}</Link> : <span>{item.title}</span>}
            </div>
            <div className="growth-item-meta">
              {item.capabilities.map((c) => (
                <Tag key={c} color="geekblue">
                  {CAPABILITY_LABELS[c]}
                </Tag>
              ))}
              {item.score !== null && <span>{growth.timeline.score(item.score)}</span>}
              {typeof item.detail.hours === "number" && <span>{growth.timeline.hours(item.detail.hours)}</span>}
            </div>
          </div>
        ),
      }))}
    />
  );
}

function LevelSection({ record }: { record: GrowthRecord }) {
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ level: Level; reason: string; evidenceIds: string[] }>();
  const change = useMutation({
    mutationFn: (values: { level: Level; reason: string; evidenceIds?: string[] }) =>
      growthApi.changeLevel(record.user.id, { ...values, evidenceIds: values.evidenceIds ?? [] }),
    onSuccess: () => {
      void message.success(growth.levels.done);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ["growth-record", record.user.id] });
    },
    onError: (err) => void message.error(err.message),
  });
  return (
    <Card title={growth.levels.title} className="growth-levels">
      {record.levelHistory.length === 0 ? (
        <p className="growth-muted">{growth.levels.empty}</p>
      ) : (
        <ul className="growth-list">
          {record.levelHistory.map((h) => (
            <li key={h.id}>
              <strong>{growth.levels.entry(LEVEL_LABELS[h.from], LEVEL_LABELS[h.to])}</strong> · {dateOf(h.at)} ·{" "}
              {growth.levels.by(h.changedBy.displayName)}
              <div>
                {growth.levels.reason}：{h.reason}
              </div>
              {h.evidence.length > 0 && (
                <div>
                  {growth.levels.evidence}：
                  {h.evidence.map((e, i) => (
                    <span key={e.id}>
                      {i > 0 && "、"}
                      {e.link ? <Link to={e.link}>{e.title}</Link> : e.title}
                    </span>
                  ))}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {record.can.changeLevel && (
        <Form form={form} layout="vertical" className="growth-form no-print" onFinish={(v) => change.mutate(v)}>
          <Form.Item
            name="level"
            label={growth.levels.newLevel}
            rules={[{ required: true, message: growth.levels.newLevel }]}
          >
            <Select
              options={LEVELS.filter((l) => l !== record.user.level).map((l) => ({ value: l, label: LEVEL_LABELS[l] }))}
            />
          </Form.Item>
          <Form.Item
            name="reason"
            label={growth.levels.reason}
            rules={[{ required: true, min: 2, message: growth.levels.reasonPlaceholder }]}
          >
            <Input.TextArea rows={2} maxLength={500} placeholder={growth.levels.reasonPlaceholder} />
          </Form.Item>
          <Form.Item name="evidenceIds" label={growth.levels.cite}>
            <Select
              mode="multiple"
              maxCount={20}
              options={record.evidence.map((e) => ({
                value: e.id,
                label: `${dateOf(e.at)} ${EVIDENCE_KIND_LABELS[e.kind]}：${e.title}`,
              }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            {growth.levels.submit}
          </Button>
        </Form>
      )}
    </Card>
  );
}

function NotesSection({ record }: { record: GrowthRecord }) {
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [body, setBody] = useState("");
  const add = useMutation({
    mutationFn: () => growthApi.addNote(record.user.id, body),
    onSuccess: () => {
      void message.success(growth.notes.done);
      setBody("");
      void queryClient.invalidateQueries({ queryKey: ["growth-record", record.user.id] });
    },
    onError: (err) => void message.error(err.message),
  });
  return (
    <Card title={growth.notes.title} className="growth-notes">
      {record.notes.length === 0 ? (
        <p className="growth-muted">{growth.notes.empty}</p>
      ) : (
        <ul className="growth-list">
          {record.notes.map((n) => (
            <li key={n.id}>
              <div className="growth-note-body">{n.body}</div>
              <div className="growth-muted">
                {n.author.displayName} · {dateOf(n.at)}
              </div>
            </li>
          ))}
        </ul>
      )}
      {record.can.writeNote && (
        <div className="growth-form no-print">
          <Input.TextArea
            rows={3}
            maxLength={2000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            placeholder={growth.notes.placeholder}
            aria-label={growth.notes.placeholder}
          />
          <Button type="primary" disabled={!body.trim()} loading={add.isPending} onClick={() => add.mutate()}>
            {growth.notes.submit}
          </Button>
        </div>
      )}
    </Card>
  );
}
