import { Link, useNavigate } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Empty, Skeleton, Tabs, Tag } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import type { Forum } from "../../../../shared/forums.ts";
import { api } from "../../api.ts";
import { useCurrentUser } from "../../auth.tsx";
import { hasRole, isAnyOrganiser } from "../../roles.ts";
import { forums as t } from "../../strings/forums.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

export const forumsKey = ["forums"] as const;

function ForumCard({ forum }: { forum: Forum }) {
  return (
    <Card className="forum-card" size="small">
      <div className="forum-card-head">
        <Tag color={forum.mode === "examination" ? "volcano" : "red"}>{t.mode[forum.mode]}</Tag>
        <Tag color={forum.status === "live" ? "green" : forum.status === "ended" ? "default" : "blue"}>
          {t.status[forum.status]}
        </Tag>
      </div>
      <h3 className="forum-card-title">
        <Link to={forum.status === "ended" ? `${forum.id}/archive` : forum.id}>{forum.title}</Link>
      </h3>
      {forum.theme && <p className="muted forum-card-theme">{forum.theme}</p>}
      <p className="muted">
        {dayjs(forum.startsAt).format("YYYY年M月D日 HH:mm")} · {t.host} {forum.hostName} ·{" "}
        {t.talksCount(forum.talks.length)}
      </p>
      <ol className="forum-card-talks">
        {forum.talks.map((talk) => (
          <li key={talk.id}>
            {talk.title} — {talk.presenterName}
          </li>
        ))}
      </ol>
      <div className="forum-card-actions">
        {forum.status === "ended" ? (
          <Link to={`${forum.id}/archive`}>
            <Button>{t.archive}</Button>
          </Link>
        ) : (
          <>
            <Link to={forum.id}>
              <Button type="primary">{t.enter}</Button>
            </Link>
            <Link to={`${forum.id}/screen`}>
              <Button>{t.screenLink}</Button>
            </Link>
          </>
        )}
      </div>
    </Card>
  );
}

function ForumGrid({ list, empty }: { list: Forum[]; empty: string }) {
  if (!list.length) return <Empty description={empty} />;
  return (
    <ul className="forum-grid">
      {list.map((f) => (
        <li key={f.id}>
          <ForumCard forum={f} />
        </li>
      ))}
    </ul>
  );
}

export function ForumListPage() {
  useDocumentTitle(shell.areas.forums.title);
  const user = useCurrentUser();
  const navigate = useNavigate();
  const query = useQuery({
    queryKey: forumsKey,
    queryFn: () => api<{ forums: Forum[] }>("/api/forums"),
    refetchInterval: 30_000,
  });
  const list = query.data?.forums ?? [];
  const live = list.filter((f) => f.status === "live");
  const upcoming = list.filter((f) => f.status === "scheduled");
  const past = list.filter((f) => f.status === "ended");
  const canCreate = isAnyOrganiser(user) || hasRole(user, "secretary");

  return (
    <div className="page forums-page">
      <div className="page-header">
        <h1 className="page-title">{t.listTitle}</h1>
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("new")}>
            {t.create}
          </Button>
        )}
      </div>
      {query.isError && <Alert type="error" showIcon title={(query.error as Error).message} />}
      {query.isLoading ? (
        <Skeleton active />
      ) : (
        <Tabs
          defaultActiveKey={live.length ? "live" : "upcoming"}
          items={[
            {
              key: "live",
              label: `${t.tabs.live} (${live.length})`,
              children: <ForumGrid list={live} empty={t.empty.live} />,
            },
            {
              key: "upcoming",
              label: `${t.tabs.upcoming} (${upcoming.length})`,
              children: <ForumGrid list={upcoming} empty={t.empty.upcoming} />,
            },
            {
              key: "past",
              label: `${t.tabs.past} (${past.length})`,
              children: <ForumGrid list={past} empty={t.empty.past} />,
            },
          ]}
        />
      )}
    </div>
  );
}
