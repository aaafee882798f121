import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Empty, Result, Skeleton, Space, Tag } from "antd";
import { DownloadOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { ROLE_LABELS } from "../../../../shared/vocabulary.ts";
import type { ForumArchive } from "../../../../shared/forums.ts";
import { api, ApiError } from "../../api.ts";
import { forums as t } from "../../strings/forums.ts";
import { ScoreboardTable } from "./ScoreboardTable.tsx";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";
import { CommitmentList } from "./Commitments.tsx";

export function ArchivePage() {
  const { id = "" } = useParams();
  const query = useQuery({
    queryKey: ["forums", id, "archive"],
    queryFn: () => api<{ archive: ForumArchive }>(`/api/forums/${id}/archive`),
    retry: false,
  });
  useDocumentTitle(shell.titles.forumArchive(query.data?.archive.forum.title ?? shell.areas.forums.title));
  if (query.isLoading)
    return (
      <div className="page">
        <Skeleton active />
      </div>
    );
  if (query.isError) {
    const err = query.error;
    return (
      <Result
        status="info"
        title={err instanceof ApiError && err.status === 409 ? t.archivePage.notEnded : err.message}
        extra={<Link to={`../${id}`}>{t.enter}</Link>}
      />
    );
  }
  const { forum, questions, commitments, chat, scoreboards } = query.data!.archive;
  return (
    <div className="page forum-archive" data-testid="forum-archive">
      <Link to="../.." relative="path" className="small">
        ← {t.room.back}
      </Link>
      <div className="page-header">
        <h1 className="page-title">
          {t.archivePage.title}：{forum.title}
        </h1>
        <Space wrap>
          <a href={`/api/forums/${id}/archive?format=md`} download>
            <Button icon={<DownloadOutlined />}>{t.archivePage.exportMd}</Button>
          </a>
          {scoreboards.length > 0 && (
            <a href={`/api/forums/${id}/archive?format=csv`} download>
              <Button icon={<DownloadOutlined />}>{t.archivePage.exportCsv}</Button>
            </a>
          )}
        </Space>
      </div>
      <p className="muted">
        <Tag>{t.mode[forum.mode]}</Tag>
        {forum.theme} · {t.host} {forum.hostName} ·{" "}
        {dayjs(forum.startedAt ?? forum.startsAt).format("YYYY-MM-DD HH:mm")}
      </p>
      <Card title={t.archivePage.agenda} size="small" className="stack-gap">
        <ol>
          {forum.talks.map((talk) => (
            <li key={talk.id}>
              {talk.title} — {talk.presenterName}
              {talk.deck && (
                <>
                  {" "}
                  ·{" "}
                  <a href={talk.deck.url} target="_blank" rel="noreferrer">
                    {t.archivePage.deck}：{talk.deck.fileName}
                  </a>
                </>
              )}
            </li>
          ))}
        </ol>
      </Card>
      {scoreboards.length > 0 && (
        <Card title={t.archivePage.scores} size="small" className="stack-gap">
          {scoreboards.map((board) => (
            <div key={board.talkId}>
              <h3>{forum.talks.find((x) => x.id === board.talkId)?.title}</h3>
              <ScoreboardTable board={board} />
            </div>
          ))}
        </Card>
      )}
      <Card title={`${t.archivePage.questions} (${questions.length})`} size="small" className="stack-gap">
        {questions.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <ol className="question-list">
            {[...questions]
              .sort((a, b) => b.votes - a.votes)
              .map((q) => (
                <li key={q.id} className="question">
                  <div className="question-main">
                    <p className="question-text">{q.text}</p>
                    <p className="muted small">
                      {q.author?.displayName ?? t.questions.anonymousName} · <Tag>{t.questions.status[q.status]}</Tag>{" "}
                      {t.archivePage.votes(q.votes)}
                    </p>
                    {q.answerNote && (
                      <p className="answer-note">
                        {t.questions.answerNote}：{q.answerNote}
                      </p>
                    )}
                  </div>
                </li>
              ))}
          </ol>
        )}
      </Card>
      <Card
        title={`${t.commitments.title} (${commitments.length})`}
        size="small"
        className="stack-gap"
        data-testid="archive-commitments"
      >
        <CommitmentList commitments={commitments} />
      </Card>
      <Card title={`${t.archivePage.chat} (${chat.length})`} size="small" className="stack-gap">
        {chat.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <ol className="chat-list chat-list-archive">
            {chat.map((m) => (
              <li key={m.id}>
                <span className="chat-author">
                  {m.author.displayName}
                  <span className="muted">
                    {" "}
                    · {ROLE_LABELS[m.author.role]} · {dayjs(m.createdAt).format("HH:mm")}
                  </span>
                </span>
                <span className="chat-text">{m.text}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}
