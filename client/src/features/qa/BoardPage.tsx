import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Checkbox, Empty, Input, Segmented, Select, Skeleton, Space, Tag } from "antd";
import {
  CheckCircleFilled,
  EyeInvisibleOutlined,
  PlusOutlined,
  TrophyOutlined,
  CalendarOutlined,
  AuditOutlined,
} from "@ant-design/icons";
import { CAPABILITIES, CAPABILITY_LABELS, type Capability } from "../../../../shared/vocabulary.ts";
import type { QuestionListItem, QuestionSort } from "../../../../shared/qa.ts";
import { useCurrentUser } from "../../auth.tsx";
import { isOrganiser } from "../../roles.ts";
import { qa } from "../../strings/qa.ts";
import { qaApi, useBoardLive } from "./queries.ts";
import { AuthorName, CapabilityTag, errorText, fromNow, fullTime, Highlighted } from "./parts.tsx";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

const PAGE = 20;
type SortChoice = QuestionSort | "relevance";

/** The board: search, sort, filter, and the list of questions. State lives in the URL. */
export default function BoardPage() {
  useDocumentTitle(shell.areas.qa.title);
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const capability = (params.get("capability") as Capability | null) ?? undefined;
  const tag = params.get("tag") ?? undefined;
  const mine = params.get("mine") === "1";
  const sort = (params.get("sort") as SortChoice | null) ?? (q ? "relevance" : "votes");
  const [draft, setDraft] = useState(q);

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const query = new URLSearchParams();
  if (q) query.set("q", q);
  if (capability) query.set("capability", capability);
  if (tag) query.set("tag", tag);
  if (mine) query.set("mine", "1");
  if (sort !== "relevance") query.set("sort", sort);
  query.set("limit", String(PAGE));

  const list = useInfiniteQuery({
    queryKey: ["qa", "list", query.toString()],
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) => {
      const p = new URLSearchParams(query);
      p.set("offset", String(pageParam));
      return qaApi.list(p, signal);
    },
    getNextPageParam: (last, pages) => (last.hasMore ? pages.length * PAGE : undefined),
  });
  useBoardLive();

  const questions = list.data?.pages.flatMap((p) => p.questions) ?? [];
  const sortOptions = (Object.keys(qa.board.sorts) as SortChoice[])
    .filter((s) => s !== "relevance" || q)
    .map((s) => ({ value: s, label: qa.board.sorts[s] }));

  return (
    <div className="page qa-board">
      <div className="page-header">
        <h1 className="page-title">{qa.title}</h1>
        <Space wrap>
          <Link to="/qa/leaders">
            <Button icon={<TrophyOutlined />}>{qa.leaderboard}</Button>
          </Link>
          <Link to="/qa/events">
            <Button icon={<CalendarOutlined />}>{qa.eventsLink}</Button>
          </Link>
          {isOrganiser(me) && (
            <Link to="/qa/moderation">
              <Button icon={<AuditOutlined />}>{qa.moderationLink}</Button>
            </Link>
          )}
          <Link to="/qa/ask">
            <Button type="primary" icon={<PlusOutlined />}>
              {qa.ask}
            </Button>
          </Link>
        </Space>
      </div>

      <Card className="qa-filters stack-gap" size="small">
        {/* biome-ignore lint/a11y/useSemanticElements: <search> is too new for the office PCs' browsers; a form with role=search says the same */}
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            update({ q: draft.trim() || undefined, sort: undefined });
          }}
        >
          <Input.Search
            aria-label={qa.board.searchLabel}
            placeholder={qa.board.searchPlaceholder}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onSearch={(value) => update({ q: value.trim() || undefined, sort: undefined })}
            allowClear
            enterButton
            maxLength={100}
            data-testid="qa-search"
          />
        </form>
        <p className="muted qa-hint">{qa.board.searchHint}</p>
        <div className="qa-filter-row">
          <Segmented
            aria-label={qa.board.sortLabel}
            options={sortOptions}
            value={sort}
            onChange={(value) => update({ sort: value === (q ? "relevance" : "votes") ? undefined : String(value) })}
          />
          <Select
            aria-label={qa.board.capability}
            allowClear
            placeholder={qa.board.allCapabilities}
            value={capability}
            onChange={(value?: Capability) => update({ capability: value })}
            options={CAPABILITIES.map((c) => ({ value: c, label: CAPABILITY_LABELS[c] }))}
            style={{ minWidth: 150 }}
          />
          <Checkbox checked={mine} onChange={(e) => update({ mine: e.target.checked ? "1" : undefined })}>
            {qa.board.mine}
          </Checkbox>
          {tag && (
            <Tag
              closable
              onClose={() => update({ tag: undefined })}
              closeIcon={
                <span role="img" aria-label={qa.board.clearTag}>
                  ×
                </span>
              }
              color="geekblue"
            >
              {qa.board.tag(tag)}
            </Tag>
          )}
        </div>
      </Card>

      {list.isError && (
        <Alert
          type="error"
          showIcon
          message={qa.loadFailed}
          description={errorText(list.error)}
          action={<Button onClick={() => list.refetch()}>{qa.retry}</Button>}
        />
      )}
      {list.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : questions.length === 0 && !list.isError ? (
        <Card>
          <Empty description={q ? qa.board.noResults(q) : qa.board.empty}>
            <Link to="/qa/ask">
              <Button type="primary">{qa.ask}</Button>
            </Link>
          </Empty>
        </Card>
      ) : (
        <ul className="qa-list" aria-label={qa.title} data-testid="qa-list">
          {questions.map((question) => (
            <QuestionRow key={question.id} question={question} onTag={(t) => update({ tag: t })} />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <div className="qa-more">
          <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {qa.board.more}
          </Button>
        </div>
      )}
    </div>
  );
}

function QuestionRow({ question, onTag }: { question: QuestionListItem; onTag: (tag: string) => void }) {
  const answered = question.acceptedAnswerId !== null;
  return (
    <li className={`qa-row${question.hidden ? " qa-row-hidden" : ""}`}>
      <div className="qa-stats" aria-hidden="true">
        <span className="qa-stat">
          <strong data-testid="qa-row-votes">{question.votes}</strong>
          <small>{qa.board.votes}</small>
        </span>
        <span className={`qa-stat${answered ? " qa-stat-accepted" : question.answerCount ? " qa-stat-answered" : ""}`}>
          <strong>
            {answered && <CheckCircleFilled />} {question.answerCount}
          </strong>
          <small>{qa.board.answers}</small>
        </span>
      </div>
      <div className="qa-row-main">
        <Link to={`/qa/questions/${question.id}`} className="qa-row-title">
          <Highlighted parts={question.highlight?.title} fallback={question.title} />
        </Link>
        <span className="visually-hidden">
          {qa.board.votes} {question.votes}，{qa.board.answers} {question.answerCount}
          {answered ? `，${qa.board.accepted}` : ""}
        </span>
        <p className="qa-excerpt">
          <Highlighted parts={question.highlight?.excerpt} fallback={question.excerpt} />
        </p>
        {question.highlight && ![...question.highlight.title, ...question.highlight.excerpt].some((p) => p.hit) && (
          <p className="muted qa-hint">{qa.board.matchedInAnswers}</p>
        )}
        <div className="qa-row-meta">
          {question.hidden && (
            <Tag icon={<EyeInvisibleOutlined />} color="red">
              {qa.board.hidden}
            </Tag>
          )}
          {question.eventId && <Tag color="purple">{qa.board.floor}</Tag>}
          <CapabilityTag capability={question.capability} />
          {question.tags.map((t) => (
            <Tag
              key={t}
              className="qa-tag"
              onClick={() => onTag(t)}
              role="button"
              tabIndex={0}
              onKeyDown={(e) => e.key === "Enter" && onTag(t)}
            >
              #{t}
            </Tag>
          ))}
          <span className="qa-row-by">
            <AuthorName author={question.author} /> ·{" "}
            <time dateTime={question.createdAt} title={fullTime(question.createdAt)}>
              {fromNow(question.createdAt)}
            </time>
          </span>
        </div>
      </div>
    </li>
  );
}
