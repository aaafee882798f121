import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App as AntApp, Button, Card, Input, Progress, Space, Typography } from "antd";
import { ApiError } from "../../api.ts";
import { tr } from "../../strings/trainings.ts";
import { trainingsApi } from "./queries.ts";
import "./trainings.css";

const m = tr.mine;

/** The account page's card: the person's own ledger line this year and their calendar feed. */
export function MyTrainingCard() {
  const year = new Date().getFullYear();
  const line = useQuery({
    queryKey: ["ledger", "me", year],
    queryFn: ({ signal }) => trainingsApi.myLine(year, signal),
  });
  const feed = useQuery({ queryKey: ["calendar-token"], queryFn: ({ signal }) => trainingsApi.feedStatus(signal) });
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const [url, setUrl] = useState<string | null>(null);

  const issue = async () => {
    try {
      setUrl((await trainingsApi.feedCreate()).url);
      void queryClient.invalidateQueries({ queryKey: ["calendar-token"] });
    } catch (err) {
      void message.error(err instanceof ApiError ? err.message : tr.loadFailed);
    }
  };
  const revoke = async () => {
    await trainingsApi.feedRevoke().catch(() => undefined);
    setUrl(null);
    void queryClient.invalidateQueries({ queryKey: ["calendar-token"] });
  };
  const row = line.data?.row;

  return (
    <Card title={`${year} ${m.title}`} className="stack-gap" loading={line.isPending}>
      {row ? (
        <section className="my-training" aria-label={m.title}>
          <Progress
            percent={row.required ? Math.min(100, Math.round((row.done / row.required) * 100)) : 100}
            status={row.missing > 0 ? "exception" : "success"}
          />
          <Space wrap>
            <span>
              {m.required} {row.required}
            </span>
            <span>
              {m.done} {row.done}
            </span>
            {row.missing > 0 ? (
              <strong className="ledger-missing">{`${m.missing} ${row.missing} 学时`}</strong>
            ) : (
              <span className="ledger-ok">{m.complete}</span>
            )}
          </Space>
          {row.newHireRequired !== null && (
            <p className={(row.newHireDone ?? 0) < row.newHireRequired ? "ledger-missing" : "ledger-ok"}>
              {m.newHire(row.newHireDone ?? 0, row.newHireDeadline)}
            </p>
          )}
        </section>
      ) : (
        <Typography.Text type="secondary">{m.notCounted}</Typography.Text>
      )}
      <h3 className="my-feed-title">{m.feed}</h3>
      <Typography.Paragraph type="secondary">{m.feedHint}</Typography.Paragraph>
      <p>{feed.data?.active ? m.feedActive : m.feedNone}</p>
      {url && (
        <Space.Compact style={{ width: "100%" }} className="stack-gap">
          <Input readOnly value={url} aria-label={m.feed} />
          <Button onClick={() => void navigator.clipboard?.writeText(url).then(() => message.success(m.copied))}>
            {m.copy}
          </Button>
        </Space.Compact>
      )}
      <Space wrap>
        <Button onClick={issue}>{feed.data?.active ? m.feedRenew : m.feedCreate}</Button>
        {feed.data?.active && (
          <Button danger onClick={revoke}>
            {m.feedRevoke}
          </Button>
        )}
      </Space>
    </Card>
  );
}
