import { useCallback, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Empty,
  Form,
  Modal,
  Popconfirm,
  Result,
  Select,
  Skeleton,
  Space,
  Tag,
} from "antd";
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  CaretRightOutlined,
  PlusOutlined,
  StepForwardOutlined,
  StopOutlined,
} from "@ant-design/icons";
import type { QaEventState, QuestionListItem } from "../../../../shared/qa.ts";
import { useCurrentUser } from "../../auth.tsx";
import { canManageStreet } from "../../roles.ts";
import { emitWithAck, getSocket, useConnectionState, useSocketRoom } from "../../socket.ts";
import { qa } from "../../strings/qa.ts";
import { AskForm } from "./AskPage.tsx";
import { EventStatus } from "./EventsPage.tsx";
import { Markdown } from "./Markdown.tsx";
import { MarkdownInput } from "./MarkdownInput.tsx";
import { AcceptedMark, AuthorName, CapabilityTag, errorText, fullTime, VoteButton } from "./parts.tsx";
import { useAction } from "../../useAction.ts";
import { qaApi } from "./queries.ts";
import { EventCheckinSection } from "../trainings/EventCheckinSection.tsx";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

type Marks = Map<string, { mine: boolean; voted: boolean }>;

/**
 * Pushed states are shaped for nobody in particular (one push serves the whole hall), so they
 * carry neither "mine" nor "voted": this viewer's marks are laid back over them from what the
 * viewer's own subscribe answer and own actions said.
 */
function withMarks(state: QaEventState, marks: Marks): QaEventState {
  return {
    ...state,
    queue: state.queue.map((item) => {
      const mark = marks.get(item.question.id);
      return mark ? { ...item, question: { ...item.question, ...mark } } : item;
    }),
  };
}

/** Subscribes to one event (again after every reconnect) and keeps its latest state. */
function useEventRoom(eventId: string) {
  const [state, setRawState] = useState<QaEventState | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const marks = useRef<Marks>(new Map());
  const setState = useCallback((next: QaEventState) => setRawState(withMarks(next, marks.current)), []);
  const mark = useCallback((questionId: string, change: Partial<{ mine: boolean; voted: boolean }>) => {
    const before = marks.current.get(questionId) ?? { mine: false, voted: false };
    marks.current.set(questionId, { ...before, ...change });
    setRawState((s) => (s ? withMarks(s, marks.current) : s));
  }, []);
  useSocketRoom(
    {
      join: async function subscribe({ signal }) {
        const res = await emitWithAck("qa:subscribe", { eventId });
        if (signal.aborted) return;
        if (res.ok) {
          // the answer to this viewer's own subscribe is shaped for this viewer
          for (const item of res.state!.queue)
            marks.current.set(item.question.id, { mine: item.question.mine, voted: item.question.voted });
          setState(res.state!);
          setError(null);
        } else if (res.error.code === "timeout") {
          // A server that is restarting answers late or not at all: ask again while connected.
          const retry = setTimeout(() => {
            if (getSocket().connected) void subscribe({ again: true, signal });
          }, 3_000);
          signal.addEventListener("abort", () => clearTimeout(retry));
        } else setError(res.error);
      },
      leave: () => void emitWithAck("qa:unsubscribe", { eventId }),
      on: {
        "qa:event": ({ state: next }) => {
          if (next.event.id === eventId) setState(next);
        },
      },
    },
    [eventId, setState],
  );
  return { state, setState, mark, error };
}

export default function LivePage() {
  const { id = "" } = useParams();
  const me = useCurrentUser();
  const connection = useConnectionState();
  const { message } = AntApp.useApp();
  const { state, setState, mark, error } = useEventRoom(id);
  useDocumentTitle(state?.event.title ?? shell.titles.qaEvents);
  const [asking, setAsking] = useState(false);
  const isHost = state ? canManageStreet(me, state.event.streetId) : false;
  const t = qa.live;

  const control = useCallback(
    async <E extends "qa:control" | "qa:reorder" | "qa:queueAdd">(
      event: E,
      payload: Parameters<typeof emitWithAck<E>>[1],
    ) => {
      const res = (await emitWithAck(event, payload)) as
        | { ok: true; state: QaEventState }
        | { ok: false; error: { message: string } };
      if (res.ok) setState(res.state);
      else void message.error(res.error.message);
    },
    [message, setState],
  );

  // Once the event was shown it stays on screen: a later refusal is said above it, not instead of it.
  if (error && !state) {
    return (
      <Result
        status={error.code === "not_found" ? "404" : "warning"}
        title={error.message}
        extra={
          <Link to="/qa/events">
            <Button>{qa.events.title}</Button>
          </Link>
        }
      />
    );
  }
  if (!state) {
    return (
      <div className="page">
        {connection !== "connected" && <Alert type="warning" showIcon message={t.reconnecting} className="stack-gap" />}
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      </div>
    );
  }

  const { event, queue, currentAnswers, summary } = state;
  const vote = async (questionId: string, up: boolean) => {
    try {
      const res = await qaApi.vote("questions", questionId, up);
      mark(questionId, { voted: res.voted });
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  const current = queue.find((i) => i.question.id === event.currentQuestionId)?.question;
  const ended = event.status === "ended";
  const move = (index: number, delta: number) => {
    const ids = queue.map((i) => i.question.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + delta, 0, moved!);
    void control("qa:reorder", { eventId: event.id, questionIds: ids });
  };

  return (
    <div className="page qa-live">
      <p>
        <Link to="/qa/events">← {qa.events.title}</Link>
      </p>
      {connection !== "connected" && (
        <Alert
          type="warning"
          showIcon
          message={t.reconnecting}
          className="stack-gap"
          role="status"
          data-testid="reconnecting"
        />
      )}
      {error && <Alert type="error" showIcon message={error.message} className="stack-gap" />}
      <div className="page-header">
        <h1 className="page-title">
          {event.title} <EventStatus status={event.status} />
        </h1>
        <Space wrap>
          {!ended && (
            <Button icon={<PlusOutlined />} onClick={() => setAsking(true)}>
              {t.ask}
            </Button>
          )}
          {isHost && event.status === "scheduled" && (
            <Button
              type="primary"
              icon={<CaretRightOutlined />}
              onClick={() => control("qa:control", { eventId: event.id, action: "start" })}
            >
              {t.start}
            </Button>
          )}
          {isHost && event.status === "live" && (
            <>
              <Button
                icon={<StepForwardOutlined />}
                onClick={() => control("qa:control", { eventId: event.id, action: "next" })}
              >
                {t.next}
              </Button>
              <Popconfirm
                title={t.endConfirm}
                onConfirm={() => control("qa:control", { eventId: event.id, action: "end" })}
                okText={t.end}
                cancelText={qa.form.cancel}
              >
                <Button danger icon={<StopOutlined />}>
                  {t.end}
                </Button>
              </Popconfirm>
            </>
          )}
        </Space>
      </div>
      <p className="muted">
        {fullTime(event.startsAt)} · {qa.events.host} {event.host.displayName} ·{" "}
        <span data-testid="qa-live-summary">{t.summary(summary.answered, summary.total)}</span>
      </p>
      {ended && <Alert type="success" showIcon message={t.ended} className="stack-gap" />}
      {isHost && <EventCheckinSection kind="qa_event" activityId={event.id} />}

      <div className="qa-live-grid">
        <section aria-labelledby="qa-current-heading">
          <Card
            className="qa-live-current"
            title={
              <h2 id="qa-current-heading" className="card-heading">
                {t.current}
              </h2>
            }
          >
            {event.status === "scheduled" && <p className="muted">{t.waiting}</p>}
            {!current ? (
              <Empty description={ended ? t.ended : t.noCurrent} />
            ) : (
              <CurrentQuestion question={current} answers={currentAnswers} />
            )}
          </Card>
        </section>
        <section aria-labelledby="qa-queue-heading">
          <Card
            title={
              <h2 id="qa-queue-heading" className="card-heading">
                {t.queue}
              </h2>
            }
            extra={
              isHost && !ended ? (
                <AddToQueue
                  eventId={event.id}
                  onAdd={(questionId) => control("qa:queueAdd", { eventId: event.id, questionId })}
                />
              ) : null
            }
          >
            {!ended && (
              <p className="muted small qa-queue-order" data-testid="qa-queue-order">
                {event.orderedByHost ? t.byHost : t.byVotes}
                {isHost && event.orderedByHost && (
                  <Button
                    size="small"
                    type="link"
                    onClick={() => control("qa:control", { eventId: event.id, action: "sortByVotes" })}
                  >
                    {t.sortByVotes}
                  </Button>
                )}
              </p>
            )}
            {queue.length === 0 ? (
              <Empty description={t.emptyQueue} />
            ) : (
              <ol className="qa-queue" aria-live="polite">
                {queue.map((item, index) => {
                  const isCurrent = item.question.id === event.currentQuestionId;
                  return (
                    <li
                      key={item.question.id}
                      className={isCurrent ? "qa-queue-current" : ""}
                      aria-current={isCurrent ? "true" : undefined}
                    >
                      <div className="qa-queue-title">
                        <Link to={`/qa/questions/${item.question.id}`}>{item.question.title}</Link>
                      </div>
                      <div className="qa-row-meta">
                        <Tag color={item.source === "floor" ? "purple" : item.source === "added" ? "cyan" : "default"}>
                          {t.source[item.source]}
                        </Tag>
                        <VoteButton
                          votes={item.question.votes}
                          voted={item.question.voted}
                          label={item.question.title}
                          own={item.question.mine ? "question" : undefined}
                          disabled={ended}
                          onVote={() => void vote(item.question.id, !item.question.voted)}
                        />
                        <span className="muted">
                          {item.question.answerCount} {qa.board.answers}
                        </span>
                        {item.question.acceptedAnswerId && <AcceptedMark />}
                      </div>
                      {isHost && !ended && (
                        <Space size={4} className="qa-queue-controls">
                          {event.status === "live" && !isCurrent && (
                            <Button
                              size="small"
                              onClick={() =>
                                control("qa:control", {
                                  eventId: event.id,
                                  action: "current",
                                  questionId: item.question.id,
                                })
                              }
                            >
                              {t.setCurrent}
                            </Button>
                          )}
                          <Button
                            size="small"
                            icon={<ArrowUpOutlined />}
                            aria-label={`${t.up}：${item.question.title}`}
                            disabled={index === 0}
                            onClick={() => move(index, -1)}
                          />
                          <Button
                            size="small"
                            icon={<ArrowDownOutlined />}
                            aria-label={`${t.down}：${item.question.title}`}
                            disabled={index === queue.length - 1}
                            onClick={() => move(index, 1)}
                          />
                        </Space>
                      )}
                    </li>
                  );
                })}
              </ol>
            )}
          </Card>
        </section>
      </div>

      <Modal
        open={asking}
        title={qa.form.floorFor(event.title)}
        footer={null}
        onCancel={() => setAsking(false)}
        destroyOnHidden
        width={720}
      >
        <AskForm
          eventId={event.id}
          onDone={(questionId) => {
            mark(questionId, { mine: true });
            setAsking(false);
          }}
        />
      </Modal>
    </div>
  );
}

function CurrentQuestion({
  question,
  answers,
}: {
  question: QuestionListItem;
  answers: QaEventState["currentAnswers"];
}) {
  const [form] = Form.useForm<{ body: string }>();
  const submit = useAction({
    mutationFn: ({ body }: { body: string }) => qaApi.answer(question.id, body),
    onSuccess: () => form.resetFields(),
  });
  return (
    <div data-testid="qa-live-current">
      <h3 className="qa-live-question">{question.title}</h3>
      <div className="qa-row-meta stack-gap">
        <CapabilityTag capability={question.capability} />
        <AuthorName author={question.author} />
      </div>
      <p>{question.excerpt}</p>
      <h4 className="qa-live-answers-title">{qa.live.answersLive}</h4>
      {answers.length === 0 ? (
        <p className="muted">{qa.live.noAnswersYet}</p>
      ) : (
        <ol className="qa-answers" aria-live="polite">
          {answers.map((a) => (
            <li key={a.id}>
              <Card size="small" className={`qa-answer${a.veteran ? " qa-answer-veteran" : ""}`}>
                <div className="qa-answer-head">
                  <AuthorName author={a.author} veteranBadge />
                  {a.accepted && <AcceptedMark />}
                </div>
                <Markdown source={a.body} />
              </Card>
            </li>
          ))}
        </ol>
      )}
      <Form form={form} onFinish={(values) => submit.mutate(values)} layout="vertical" className="qa-live-answer-form">
        <Form.Item
          name="body"
          label={qa.live.answer}
          rules={[{ required: true, whitespace: true, message: qa.question.answerRequired }]}
        >
          <MarkdownInput rows={3} label={qa.live.answer} placeholder={qa.question.answerPlaceholder} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submit.isPending}>
          {qa.question.submitAnswer}
        </Button>
      </Form>
    </div>
  );
}

function AddToQueue({ onAdd }: { eventId: string; onAdd: (questionId: string) => void }) {
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  const search = async (text: string) => {
    if (!text.trim()) return setOptions([]);
    setLoading(true);
    try {
      const params = new URLSearchParams({ q: text.trim(), limit: "10" });
      const { questions } = await qaApi.list(params);
      setOptions(questions.map((q) => ({ value: q.id, label: q.title })));
    } catch {
      setOptions([]);
    } finally {
      setLoading(false);
    }
  };
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: (v) => void search(v) }}
      aria-label={qa.live.add}
      placeholder={qa.live.addPlaceholder}
      options={options}
      loading={loading}
      value={null}
      onChange={(value: string) => value && onAdd(value)}
      style={{ width: 220 }}
      notFoundContent={null}
    />
  );
}
