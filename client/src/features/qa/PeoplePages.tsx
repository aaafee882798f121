import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Alert, Card, Empty, List, Progress, Skeleton, Statistic, Table, Tag } from "antd";
import { TrophyFilled } from "@ant-design/icons";
import { CAPABILITY_LABELS, LEVEL_LABELS, ROLE_LABELS } from "../../../../shared/vocabulary.ts";
import type { LeaderboardEntry } from "../../../../shared/qa.ts";
import { qa } from "../../strings/qa.ts";
import { AcceptedMark, errorText, fromNow } from "./parts.tsx";
import { qaApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

/** A 老书记's (or anyone's) answering record: capabilities, counts, recent answers. */
export function ProfilePage() {
  const { id = "" } = useParams();
  const profile = useQuery({
    queryKey: ["qa", "profile", id],
    queryFn: ({ signal }) => qaApi.profile(id, signal).then((r) => r.profile),
  });
  useDocumentTitle(profile.data?.user.displayName ?? shell.titles.qaProfile);
  if (profile.isPending)
    return (
      <Card className="page">
        <Skeleton active />
      </Card>
    );
  if (profile.isError) return <Alert className="page" type="error" showIcon message={errorText(profile.error)} />;
  const p = profile.data;
  const max = Math.max(1, ...p.capabilities.map((c) => c.answers));
  return (
    <div className="page page-narrow qa-profile">
      <p>
        <Link to="/qa">← {qa.back}</Link>
      </p>
      <Card className="stack-gap">
        <h1 className="page-title">
          {p.user.displayName}{" "}
          <Tag color={p.user.role === "veteran" ? "gold" : "default"}>{ROLE_LABELS[p.user.role]}</Tag>
          <Tag>{LEVEL_LABELS[p.user.level]}</Tag>
        </h1>
        <div className="qa-profile-stats">
          <Statistic title={qa.profile.answers} value={p.answerCount} />
          <Statistic title={qa.profile.accepted} value={p.acceptedCount} />
        </div>
      </Card>
      <Card title={<h2 className="card-heading">{qa.profile.capabilities}</h2>} className="stack-gap">
        {p.capabilities.length === 0 ? (
          <Empty description={qa.profile.noCapabilities} />
        ) : (
          <ul className="qa-capabilities">
            {p.capabilities.map((c) => (
              <li key={c.capability}>
                <span>{CAPABILITY_LABELS[c.capability]}</span>
                <Progress percent={(c.answers / max) * 100} showInfo={false} aria-hidden="true" />
                <span className="muted">
                  {c.answers} {qa.profile.answers} · {c.accepted} {qa.profile.accepted}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={<h2 className="card-heading">{qa.profile.recent}</h2>}>
        <List
          locale={{ emptyText: qa.profile.noRecent }}
          dataSource={p.recentAnswers}
          renderItem={(a) => (
            <List.Item>
              <Link to={`/qa/questions/${a.questionId}`}>{a.questionTitle}</Link>
              <span>
                {a.accepted && <AcceptedMark />} <span className="muted">{fromNow(a.createdAt)}</span>
              </span>
            </List.Item>
          )}
        />
      </Card>
    </div>
  );
}

export function LeaderboardPage() {
  useDocumentTitle(shell.titles.qaLeaders);
  const board = useQuery({
    queryKey: ["qa", "leaders"],
    queryFn: ({ signal }) => qaApi.leaderboard(signal).then((r) => r.leaders),
  });
  const t = qa.leaders;
  return (
    <div className="page page-narrow">
      <p>
        <Link to="/qa">← {qa.back}</Link>
      </p>
      <h1 className="page-title">
        <TrophyFilled style={{ color: "#c98a1b" }} /> {t.title}
      </h1>
      <p className="muted">{t.intro}</p>
      {board.isError && <Alert type="error" showIcon message={errorText(board.error)} />}
      <Table<LeaderboardEntry>
        rowKey={(r) => r.user.id}
        loading={board.isPending}
        dataSource={board.data ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
        columns={[
          { title: t.rank, width: 64, render: (_v, _r, i) => <strong>{i + 1}</strong> },
          {
            title: t.person,
            render: (_v, r) => (
              <span>
                <Link to={`/qa/people/${r.user.id}`}>{r.user.displayName}</Link>{" "}
                {r.user.role === "veteran" && <Tag color="gold">{qa.question.veteran}</Tag>}
              </span>
            ),
          },
          { title: t.accepted, dataIndex: "acceptedCount", width: 90 },
          { title: t.answers, dataIndex: "answerCount", width: 90 },
        ]}
      />
    </div>
  );
}
