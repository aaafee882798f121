import { useMemo, useState } from "react";
import { App, Button, Checkbox, Empty, Modal, Space, Tag } from "antd";
// antd per component: the Input barrel would bring Password, Search and OTP (and their tooltip) along
import TextArea from "antd/es/input/TextArea.js";
import Input from "antd/es/input/Input.js";
import { LikeFilled, LikeOutlined } from "@ant-design/icons";
import { ANSWER_NOTE_MAX, LIMITS } from "../../../../shared/limits.ts";
import type { ForumModerate, ForumQuestion } from "../../../../shared/forums.ts";
import { emitWithAck } from "../../socket.ts";
import { forums as t } from "../../strings/forums.ts";
import { RecordCommitmentButton } from "./roomExtras.tsx";
import { newClientId } from "./clientId.ts";
import { type RoomState, sendReliably } from "./useForumRoom.ts";

const STATUS_COLOR = { pending: "orange", open: "blue", answered: "green", dismissed: "default" } as const;

export function QuestionsPanel({
  room,
  disabled,
  dispatch,
}: {
  room: RoomState;
  disabled: boolean;
  dispatch: (a: { type: "vote"; questionId: string; votes: number; voted: boolean }) => void;
}) {
  const { message } = App.useApp();
  const [sort, setSort] = useState<"votes" | "time">("votes");
  const [text, setText] = useState("");
  const [anonymous, setAnonymous] = useState(false);
  const [sending, setSending] = useState(false);
  const { forum, viewer } = room;
  const ended = forum.status === "ended";
  const canModerate = viewer.isHost || viewer.isPresenter;

  const list = useMemo(() => {
    const visible = room.questions.filter((q) => q.status !== "dismissed" || viewer.seesPending);
    return [...visible].sort((a, b) =>
      sort === "votes"
        ? b.votes - a.votes || a.createdAt.localeCompare(b.createdAt)
        : b.createdAt.localeCompare(a.createdAt),
    );
  }, [room.questions, sort, viewer.seesPending]);

  const ask = async () => {
    const body = text.trim();
    if (!body) return;
    setSending(true);
    const ack = await sendReliably("forum:ask", { forumId: forum.id, text: body, anonymous, clientId: newClientId() });
    setSending(false);
    if (!ack.ok) return void message.error(ack.error.message);
    setText("");
    if (ack.question.status === "pending") message.info(t.questions.pendingNote);
  };

  const vote = async (q: ForumQuestion) => {
    const ack = await emitWithAck("forum:vote", { forumId: forum.id, questionId: q.id });
    if (ack.ok) dispatch({ type: "vote", questionId: ack.questionId, votes: ack.votes, voted: ack.voted });
    else message.error(ack.error.message);
  };

  const moderate = async (q: ForumQuestion, action: ForumModerate["action"], note?: string) => {
    const ack = await emitWithAck("forum:moderate", {
      forumId: forum.id,
      questionId: q.id,
      action,
      ...(note !== undefined ? { note } : {}),
    });
    if (!ack.ok) message.error(ack.error.message);
    return ack.ok;
  };
  // 现场问政: marking answered asks for a one-line note of the answer given on stage
  const [answering, setAnswering] = useState<{ question: ForumQuestion; note: string } | null>(null);
  const answer = async () => {
    if (!answering) return;
    if (await moderate(answering.question, "answered", answering.note.replace(/\s+/g, " ").trim())) setAnswering(null);
  };

  return (
    <section className="forum-panel questions-panel" aria-label={t.questions.title}>
      {!ended && (
        <div className="composer composer-question">
          <TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t.questions.placeholder}
            maxLength={LIMITS.chatTextMax}
            autoSize={{ minRows: 2, maxRows: 5 }}
            aria-label={t.questions.placeholder}
          />
          <div className="composer-row">
            <Checkbox
              checked={anonymous}
              onChange={(e) => setAnonymous(e.target.checked)}
              aria-describedby="anonymous-notice"
            >
              {t.questions.anonymous}
            </Checkbox>
            <Button type="primary" onClick={() => void ask()} loading={sending} disabled={disabled || !text.trim()}>
              {t.questions.ask}
            </Button>
          </div>
          {anonymous && (
            <p className="muted small anonymous-notice" id="anonymous-notice" data-testid="anonymous-notice">
              {t.questions.anonymousNotice}
            </p>
          )}
          {forum.mode === "examination" && <p className="muted small">{t.questions.pendingNote}</p>}
        </div>
      )}
      {/* two toggle buttons, not antd's Segmented: that brings a tooltip and its motion (~8 KB) along */}
      {/* biome-ignore lint/a11y/useSemanticElements: a fieldset's border and legend don't fit a two-button switch */}
      <div className="question-sort" role="group" aria-label={`${t.questions.sortVotes} / ${t.questions.sortTime}`}>
        {(["votes", "time"] as const).map((key) => (
          <Button
            key={key}
            size="small"
            type={sort === key ? "primary" : "default"}
            aria-pressed={sort === key}
            onClick={() => setSort(key)}
          >
            {key === "votes" ? t.questions.sortVotes : t.questions.sortTime}
          </Button>
        ))}
      </div>
      {list.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.questions.empty} />
      ) : (
        <ol className="question-list" data-testid="question-list">
          {list.map((q) => {
            const voted = room.myVotes.includes(q.id);
            const onScreen = forum.highlightedQuestionId === q.id;
            return (
              <li
                key={q.id}
                className={`question question-${q.status}${onScreen ? " question-highlighted" : ""}`}
                data-testid="question"
                data-status={q.status}
              >
                <div className="question-main">
                  <p className="question-text">{q.text}</p>
                  <p className="muted small">
                    {q.author ? q.author.displayName : t.questions.anonymousName}
                    {q.mine && (
                      <Tag className="tag-inline" color="purple">
                        {t.questions.mine}
                      </Tag>
                    )}
                    <Tag className="tag-inline" color={STATUS_COLOR[q.status]}>
                      {t.questions.status[q.status]}
                    </Tag>
                    {onScreen && (
                      <Tag className="tag-inline" color="red">
                        {t.questions.onScreen}
                      </Tag>
                    )}
                  </p>
                  {q.answerNote && (
                    <p className="answer-note" data-testid="answer-note">
                      {t.questions.answerNote}：{q.answerNote}
                    </p>
                  )}
                  {canModerate && !ended && (
                    <Space size={4} wrap>
                      {q.status === "pending" && viewer.isHost && (
                        <Button size="small" type="primary" onClick={() => void moderate(q, "approve")}>
                          {t.questions.approve}
                        </Button>
                      )}
                      {(q.status === "open" || q.status === "answered") && (
                        <Button
                          size="small"
                          onClick={() => setAnswering({ question: q, note: q.answerNote ?? "" })}
                          data-testid="mark-answered"
                        >
                          {q.status === "open" ? t.questions.markAnswered : t.questions.editAnswerNote}
                        </Button>
                      )}
                      {viewer.isHost && (q.status === "open" || q.status === "answered") && (
                        <RecordCommitmentButton forum={forum} question={q} />
                      )}
                      {(q.status === "open" || q.status === "answered") && (
                        <Button size="small" onClick={() => void moderate(q, "highlight")}>
                          {onScreen ? t.questions.unhighlight : t.questions.highlight}
                        </Button>
                      )}
                      {q.status !== "dismissed" && (
                        <Button size="small" danger onClick={() => void moderate(q, "dismiss")}>
                          {t.questions.dismiss}
                        </Button>
                      )}
                    </Space>
                  )}
                </div>
                <Button
                  className="vote-button"
                  type={voted ? "primary" : "default"}
                  icon={voted ? <LikeFilled /> : <LikeOutlined />}
                  aria-pressed={voted}
                  aria-label={`${voted ? t.questions.unvote : t.questions.vote}（${q.votes}）`}
                  disabled={disabled || ended || q.status === "pending" || q.status === "dismissed"}
                  onClick={() => void vote(q)}
                >
                  <span data-testid="vote-count">{q.votes}</span>
                </Button>
              </li>
            );
          })}
        </ol>
      )}
      <Modal
        open={!!answering}
        title={t.questions.answerNoteTitle}
        onCancel={() => setAnswering(null)}
        onOk={() => void answer()}
        okText={t.hostTools.save}
        cancelText={t.hostTools.cancel}
        destroyOnHidden
      >
        <p>{answering?.question.text}</p>
        <p className="muted small">{t.questions.answerNoteHint}</p>
        <Input
          value={answering?.note ?? ""}
          onChange={(e) => setAnswering((a) => (a ? { ...a, note: e.target.value } : a))}
          onPressEnter={() => void answer()}
          maxLength={ANSWER_NOTE_MAX}
          placeholder={t.questions.answerNotePlaceholder}
          aria-label={t.questions.answerNote}
          data-testid="answer-note-input"
        />
      </Modal>
    </section>
  );
}
