import { useState } from "react";
import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Empty, InputNumber, Segmented, Space, Spin, Tag } from "antd";
import {
  TRAINING_LEVEL_LABELS,
  TRAINING_LEVELS,
  type Training,
  type TrainingLevel,
} from "../../../../shared/trainings.ts";
import { useCurrentUser } from "../../auth.tsx";
import { tr } from "../../strings/trainings.ts";
import { canPlan, canSeeLedger } from "./access.ts";
import { formatTime, trainingsApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

const monthOf = (iso: string) =>
  Number(new Date(iso).toLocaleString("en-US", { month: "numeric", timeZone: "Asia/Shanghai" }));

/** The yearly plan: trainings by month, filtered by level. */
export default function PlanPage() {
  useDocumentTitle(shell.areas.trainings.title);
  const user = useCurrentUser();
  const [year, setYear] = useState(new Date().getFullYear());
  const [level, setLevel] = useState<TrainingLevel | "all">("all");
  const plan = useQuery({
    queryKey: ["trainings", "plan", year],
    queryFn: ({ signal }) => trainingsApi.plan(year, signal),
  });
  const shown = (plan.data?.trainings ?? []).filter((t) => level === "all" || t.level === level);
  const byMonth = new Map<number, Training[]>();
  for (const t of shown) byMonth.set(monthOf(t.startsAt), [...(byMonth.get(monthOf(t.startsAt)) ?? []), t]);

  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">{tr.plan}</h1>
        <Space wrap>
          <Link to="/trainings/calendar">{tr.calendar}</Link>
          {canSeeLedger(user) && <Link to="/trainings/ledger">{tr.ledger}</Link>}
          {canPlan(user) && (
            <Link to="/trainings/new">
              <Button type="primary">{tr.create}</Button>
            </Link>
          )}
        </Space>
      </div>
      <Space wrap className="stack-gap">
        <span>{tr.year}</span>
        <InputNumber aria-label={tr.year} min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        <Segmented
          aria-label={tr.level}
          value={level}
          onChange={(v) => setLevel(v as TrainingLevel | "all")}
          options={[
            { value: "all", label: tr.allLevels },
            ...TRAINING_LEVELS.map((l) => ({ value: l, label: TRAINING_LEVEL_LABELS[l] })),
          ]}
        />
      </Space>
      {plan.isPending ? (
        <Spin />
      ) : plan.isError ? (
        <Alert type="error" showIcon message={tr.loadFailed} />
      ) : shown.length === 0 ? (
        <Empty description={tr.emptyPlan} />
      ) : (
        <div className="plan-months">
          {[...byMonth.entries()].map(([month, items]) => (
            <Card key={month} title={tr.month(month)} size="small" className="stack-gap">
              {items.map((t) => (
                <Link key={t.id} to={`/trainings/${t.id}`} className="plan-item">
                  <Tag color={t.level === "district" ? "red" : t.level === "street" ? "blue" : "green"}>
                    {TRAINING_LEVEL_LABELS[t.level]}
                  </Tag>
                  <span className="plan-title">{t.title}</span>
                  <span className="muted">
                    {t.type} · {formatTime(t.startsAt)} · {tr.hours(t.hours)}
                  </span>
                </Link>
              ))}
            </Card>
          ))}
        </div>
      )}
    </div>
  );
}
