import { useQuery } from "@tanstack/react-query";
import { Badge, Card, Empty, List, Skeleton, Tag, Typography } from "antd";
import dayjs from "dayjs";
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Forum } from "../../../shared/forums.ts";
import { PROPOSAL_STATUS_LABELS, type Proposal } from "../../../shared/proposals.ts";
import type { QuestionListItem } from "../../../shared/qa.ts";
import type { Studio } from "../../../shared/studios.ts";
import { api } from "../api.ts";
import { shell } from "../strings/shell.ts";

const h = shell.home;
const LIST_SIZE = 4;

/**
 * "近期动态": what is happening in each area for this user, so the first screen after sign-in
 * answers "what needs me now" — a live forum, unread studio messages, my proposals, new questions.
 */
export function HomeActivity() {
  const forums = useQuery({ queryKey: ["home", "forums"], queryFn: () => api<{ forums: Forum[] }>("/api/forums") });
  const studios = useQuery({
    queryKey: ["home", "studios"],
    queryFn: () => api<{ studios: Studio[] }>("/api/studios"),
  });
  const proposals = useQuery({
    queryKey: ["home", "proposals"],
    queryFn: () => api<{ proposals: Proposal[] }>("/api/proposals"),
  });
  const questions = useQuery({
    queryKey: ["home", "questions"],
    queryFn: () => api<{ questions: QuestionListItem[] }>("/api/questions?sort=newest"),
  });

  const upcoming = (forums.data?.forums ?? [])
    .filter((f) => f.status !== "ended")
    .sort((a, b) => Number(b.status === "live") - Number(a.status === "live") || a.startsAt.localeCompare(b.startsAt));
  const myProposals = (proposals.data?.proposals ?? []).filter((p) => p.myRole && p.myRole !== "admin");

  return (
    <section aria-labelledby="home-activity">
      <h2 className="section-title" id="home-activity">
        {h.activityTitle}
      </h2>
      <div className="home-activity">
        <ActivityCard title={h.forums} more="/forums" query={forums} items={upcoming} empty={h.noForums}>
          {(f: Forum) => (
            <Link to={`/forums/${f.id}`} className="home-activity-stack">
              <span className="home-activity-title">{f.title}</span>
              <span>
                {f.status === "live" ? <Tag color="red">{h.live}</Tag> : <Tag>{h.scheduled}</Tag>}
                <Typography.Text type="secondary">{dayjs(f.startsAt).format("M月D日 HH:mm")}</Typography.Text>
              </span>
            </Link>
          )}
        </ActivityCard>
        <ActivityCard
          title={h.studios}
          more="/studios"
          query={studios}
          items={studios.data?.studios ?? []}
          empty={h.noStudios}
        >
          {(s: Studio) => (
            <Link to={`/studios/${s.id}`}>
              <span className="home-activity-title">{s.name}</span>
              {s.unread > 0 && <Badge count={s.unread} title={h.unread(s.unread)} style={{ marginInlineStart: 8 }} />}
            </Link>
          )}
        </ActivityCard>
        <ActivityCard title={h.proposals} more="/proposals" query={proposals} items={myProposals} empty={h.noProposals}>
          {(p: Proposal) => (
            <Link to={`/proposals/${p.id}`}>
              <span className="home-activity-title">{p.title}</span>
              <Tag className="home-activity-meta">{PROPOSAL_STATUS_LABELS[p.status]}</Tag>
            </Link>
          )}
        </ActivityCard>
        <ActivityCard
          title={h.questions}
          more="/qa"
          query={questions}
          items={questions.data?.questions ?? []}
          empty={h.noQuestions}
        >
          {(q: QuestionListItem) => (
            <Link to={`/qa/questions/${q.id}`}>
              <span className="home-activity-title">{q.title}</span>
              <Typography.Text type="secondary" className="home-activity-meta">
                {h.answers(q.answerCount)}
              </Typography.Text>
            </Link>
          )}
        </ActivityCard>
      </div>
    </section>
  );
}

function ActivityCard<T extends { id: string }>(props: {
  title: string;
  more: string;
  query: { isLoading: boolean; isError: boolean };
  items: T[];
  empty: string;
  children: (item: T) => ReactNode;
}) {
  return (
    <Card size="small" title={props.title} extra={<Link to={props.more}>{h.more}</Link>}>
      {props.query.isLoading ? (
        <Skeleton active paragraph={{ rows: 2 }} title={false} />
      ) : props.query.isError ? (
        <Typography.Text type="danger">{h.loadFailed}</Typography.Text>
      ) : props.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={props.empty} />
      ) : (
        <List
          size="small"
          split={false}
          dataSource={props.items.slice(0, LIST_SIZE)}
          renderItem={(item) => <List.Item className="home-activity-item">{props.children(item)}</List.Item>}
        />
      )}
    </Card>
  );
}
