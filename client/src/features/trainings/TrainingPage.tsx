import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Alert, Card, Descriptions, Spin } from "antd";
import { CAPABILITY_LABELS, FLAG_LABELS, ROLE_LABELS } from "../../../../shared/enums.ts";
import { TRAINING_LEVEL_LABELS } from "../../../../shared/trainings.ts";
import { tr } from "../../strings/trainings.ts";
import { HostPanel } from "./HostPanel.tsx";
import { formatTime, trainingsApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

/** One training: its details, and for its hosts the check-in screen. */
export default function TrainingPage() {
  const { id = "" } = useParams();
  const query = useQuery({ queryKey: ["trainings", id], queryFn: ({ signal }) => trainingsApi.get(id, signal) });
  useDocumentTitle(query.data?.training.title ?? shell.areas.trainings.title);
  if (query.isPending) return <Spin />;
  if (query.isError) return <Alert type="error" showIcon message={query.error.message} />;
  const t = query.data.training;
  const audience = [...t.audience.roles.map((r) => ROLE_LABELS[r]), ...t.audience.flags.map((f) => FLAG_LABELS[f])];
  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">{t.title}</h1>
        <Link to="/trainings">{tr.plan}</Link>
      </div>
      <Card className="stack-gap">
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={tr.level}>{TRAINING_LEVEL_LABELS[t.level]}</Descriptions.Item>
          <Descriptions.Item label={tr.type}>{t.type}</Descriptions.Item>
          <Descriptions.Item label={tr.time}>
            {formatTime(t.startsAt)} – {formatTime(t.endsAt)}
          </Descriptions.Item>
          <Descriptions.Item label={tr.place}>{t.place || "—"}</Descriptions.Item>
          <Descriptions.Item label={tr.form.hours}>{tr.hours(t.hours)}</Descriptions.Item>
          {t.theme && <Descriptions.Item label={tr.theme}>{t.theme}</Descriptions.Item>}
          <Descriptions.Item label={tr.capabilities}>
            {t.capabilities.map((c) => CAPABILITY_LABELS[c]).join("、") || "—"}
          </Descriptions.Item>
          <Descriptions.Item label={tr.audience}>{audience.join("、") || tr.anyone}</Descriptions.Item>
        </Descriptions>
      </Card>
      {t.canHost && <HostPanel kind="training" activityId={t.id} />}
    </div>
  );
}
