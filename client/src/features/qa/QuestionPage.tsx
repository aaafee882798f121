import { useState } from "react";
import { Link, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Modal,
  Result,
  Select,
  Skeleton,
  Space,
  Tag,
} from "antd";
import { CheckOutlined, EditOutlined, UserAddOutlined } from "@ant-design/icons";
import { CAPABILITIES, CAPABILITY_LABELS, type Capability } from "../../../../shared/vocabulary.ts";
import { LIMITS } from "../../../../shared/limits.ts";
import type { Answer, Question } from "../../../../shared/qa.ts";
import { ApiError } from "../../api.ts";
import { useCurrentUser } from "../../auth.tsx";
import { isOrganiser } from "../../roles.ts";
import { qa } from "../../strings/qa.ts";
import { Markdown } from "./Markdown.tsx";
import { MarkdownInput } from "./MarkdownInput.tsx";
import { AcceptedMark, AuthorName, CapabilityTag, fromNow, fullTime, ReasonButton, VoteButton } from "./parts.tsx";
import { useAction } from "../../useAction.ts";
import { qaApi, qaKeys, useBoardLive } from "./queries.ts";
import { nameWithRole } from "../../roles.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

type Page = { question: Question; answers: Answer[] };

export default function QuestionPage() {
  const { id = "" } = useParams();
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const key = qaKeys.question(id);
  const page = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => qaApi.get(id, signal),
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });
  useDocumentTitle(page.data?.question.title ?? shell.areas.qa.title);
  useBoardLive();

  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const setPage = (fn: (p: Page) => Page) => queryClient.setQueryData<Page>(key, (p) => (p ? fn(p) : p));

  const vote = useAction({
    mutationFn: ({ kind, targetId, up }: { kind: "questions" | "answers"; targetId: string; up: boolean }) =>
      qaApi.vote(kind, targetId, up),
    onSuccess: (res, { kind, targetId }) =>
      setPage((p) =>
        kind === "questions"
          ? { ...p, question: { ...p.question, ...res } }
          : { ...p, answers: p.answers.map((a) => (a.id === targetId ? { ...a, ...res } : a)) },
      ),
  });
  const accept = useAction({
    mutationFn: (answerId: string) => qaApi.accept(answerId),
    onSuccess: (res) => {
      queryClient.setQueryData(key, res);
      void message.success(qa.question.acceptedToast);
    },
  });

  if (page.isPending) {
    return (
      <div className="page qa-question">
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      </div>
    );
  }
  if (page.isError) {
    const missing = page.error instanceof ApiError && (page.error.status === 404 || page.error.status === 400);
    return (
      <Result
        status={missing ? "404" : "warning"}
        title={missing ? qa.question.notFound : qa.loadFailed}
        extra={
          <Space>
            <Link to="/qa">
              <Button>{qa.back}</Button>
            </Link>
            {!missing && <Button onClick={() => page.refetch()}>{qa.retry}</Button>}
          </Space>
        }
      />
    );
  }

  const { question, answers } = page.data;
  const isAdmin = isOrganiser(me);
  const canAccept = question.mine || isAdmin;

  return (
    <div className="page qa-question">
      <p>
        <Link to="/qa">← {qa.back}</Link>
      </p>
      <Card className="stack-gap">
        {question.hidden && (
          <Alert
            type="warning"
            showIcon
            className="stack-gap"
            message={qa.question.hiddenBanner(question.hiddenReason)}
          />
        )}
        <h1 className="qa-question-title" data-testid="qa-question-title">
          {question.title}
        </h1>
        <div className="qa-row-meta stack-gap">
          <CapabilityTag capability={question.capability} />
          {question.tags.map((t) => (
            <Link key={t} to={`/qa?tag=${encodeURIComponent(t)}`}>
              <Tag className="qa-tag">#{t}</Tag>
            </Link>
          ))}
          <span className="qa-row-by">
            <AuthorName author={question.author} /> · {qa.question.asked}于{" "}
            <time dateTime={question.createdAt} title={fullTime(question.createdAt)}>
              {fromNow(question.createdAt)}
            </time>
            {question.updatedAt !== question.createdAt && <span className="muted">{qa.question.edited}</span>}
          </span>
        </div>
        <Markdown source={question.body} />
        <div className="qa-actions">
          <VoteButton
            votes={question.votes}
            voted={question.voted}
            label={question.title}
            own={question.mine ? "question" : undefined}
            disabled={vote.isPending}
            onVote={() => vote.mutate({ kind: "questions", targetId: question.id, up: !question.voted })}
          />
          {(question.mine || isAdmin) && <EditQuestionButton question={question} onSaved={refresh} />}
          {!question.hidden && <InviteButton questionId={question.id} />}
          <ReportButton kind="questions" id={question.id} />
          {isAdmin && <ModerateButton kind="questions" id={question.id} hidden={question.hidden} onDone={refresh} />}
        </div>
      </Card>

      <h2 className="section-title">{qa.question.answersTitle(answers.length)}</h2>
      {answers.length === 0 ? (
        <Card className="stack-gap">
          <Empty description={qa.question.noAnswers} />
        </Card>
      ) : (
        <ol className="qa-answers" data-testid="qa-answers">
          {answers.map((answer) => (
            <li key={answer.id}>
              <Card
                className={`qa-answer${answer.veteran ? " qa-answer-veteran" : ""}${answer.accepted ? " qa-answer-accepted" : ""}`}
                size="small"
              >
                {answer.hidden && (
                  <Alert
                    type="warning"
                    showIcon
                    className="stack-gap"
                    message={qa.question.hiddenBanner(answer.hiddenReason)}
                  />
                )}
                <div className="qa-answer-head">
                  <AuthorName author={answer.author} veteranBadge />
                  {answer.accepted && <AcceptedMark />}
                  <time className="muted" dateTime={answer.createdAt} title={fullTime(answer.createdAt)}>
                    {fromNow(answer.createdAt)}
                  </time>
                </div>
                <Markdown source={answer.body} />
                <div className="qa-actions">
                  <VoteButton
                    votes={answer.votes}
                    voted={answer.voted}
                    label={`${answer.author.displayName}的回答`}
                    own={answer.mine ? "answer" : undefined}
                    disabled={vote.isPending}
                    onVote={() => vote.mutate({ kind: "answers", targetId: answer.id, up: !answer.voted })}
                  />
                  {canAccept && !answer.accepted && !answer.hidden && (
                    <Button
                      size="small"
                      icon={<CheckOutlined />}
                      onClick={() => accept.mutate(answer.id)}
                      loading={accept.isPending && accept.variables === answer.id}
                    >
                      {qa.question.accept}
                    </Button>
                  )}
                  {(answer.mine || isAdmin) && <EditAnswerButton answer={answer} onSaved={refresh} />}
                  <ReportButton kind="answers" id={answer.id} />
                  {isAdmin && <ModerateButton kind="answers" id={answer.id} hidden={answer.hidden} onDone={refresh} />}
                </div>
              </Card>
            </li>
          ))}
        </ol>
      )}

      <AnswerForm questionId={question.id} onPosted={refresh} />
    </div>
  );
}

function AnswerForm({ questionId, onPosted }: { questionId: string; onPosted: () => void }) {
  const [form] = Form.useForm<{ body: string }>();
  const { message } = AntApp.useApp();
  const submit = useAction({
    mutationFn: ({ body }: { body: string }) => qaApi.answer(questionId, body),
    onSuccess: () => {
      form.resetFields();
      void message.success(qa.question.answerPosted);
      onPosted();
    },
  });
  return (
    <Card title={<h2 className="card-heading">{qa.question.yourAnswer}</h2>} className="stack-gap">
      <Form form={form} onFinish={(values) => submit.mutate(values)} layout="vertical" data-testid="qa-answer-form">
        <Form.Item name="body" rules={[{ required: true, whitespace: true, message: qa.question.answerRequired }]}>
          <MarkdownInput placeholder={qa.question.answerPlaceholder} label={qa.question.yourAnswer} rows={4} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submit.isPending}>
          {qa.question.submitAnswer}
        </Button>
      </Form>
    </Card>
  );
}

function ModerateButton({
  kind,
  id,
  hidden,
  onDone,
}: {
  kind: "questions" | "answers";
  id: string;
  hidden: boolean;
  onDone: () => void;
}) {
  const action = hidden ? "restore" : "hide";
  return (
    <ReasonButton
      label={hidden ? qa.question.restore : qa.question.hide}
      title={hidden ? qa.question.restoreTitle : qa.question.hideTitle}
      reasonLabel={qa.question.reason}
      danger={!hidden}
      onSubmit={async (reason) => {
        await qaApi.moderate(kind, id, action, reason);
        onDone();
      }}
    />
  );
}

function InviteButton({ questionId }: { questionId: string }) {
  const [open, setOpen] = useState(false);
  const [userId, setUserId] = useState<string>();
  const { message } = AntApp.useApp();
  const veterans = useQuery({
    queryKey: ["qa", "veterans"],
    queryFn: ({ signal }) => qaApi.veterans(signal).then((r) => r.users),
    enabled: open,
  });
  const invite = useAction({
    mutationFn: (veteranId: string) => qaApi.invite(questionId, veteranId),
    onSuccess: (res) => {
      void message.success(res.alreadyInvited ? qa.question.alreadyInvited : qa.question.invited);
      setOpen(false);
      setUserId(undefined);
    },
  });
  const send = () => {
    if (userId) invite.mutate(userId);
  };
  return (
    <>
      <Button size="small" type="text" icon={<UserAddOutlined />} onClick={() => setOpen(true)}>
        {qa.question.invite}
      </Button>
      <Modal
        open={open}
        title={qa.question.invite}
        onCancel={() => setOpen(false)}
        onOk={send}
        okText={qa.question.inviteSend}
        cancelText={qa.form.cancel}
        okButtonProps={{ disabled: !userId }}
        confirmLoading={invite.isPending}
      >
        <Select
          aria-label={qa.question.invitePlaceholder}
          style={{ width: "100%" }}
          placeholder={qa.question.invitePlaceholder}
          loading={veterans.isPending}
          value={userId}
          onChange={setUserId}
          showSearch={{ optionFilterProp: "label" }}
          options={(veterans.data ?? []).map((v) => ({
            value: v.user.id,
            label: `${nameWithRole(v.user.displayName, v.user.role === "veteran" ? qa.question.veteran : qa.question.mentor)} · ${qa.profile.answers} ${v.answerCount} · ${qa.profile.accepted} ${v.acceptedCount}`,
          }))}
        />
      </Modal>
    </>
  );
}

function EditQuestionButton({ question, onSaved }: { question: Question; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ title: string; body: string; capability?: Capability | null; tags: string[] }>();
  const { message } = AntApp.useApp();
  const edit = useAction({
    mutationFn: (values: { title: string; body: string; capability?: Capability | null; tags: string[] }) =>
      qaApi.edit(question.id, { ...values, capability: values.capability ?? null }),
    onSuccess: () => {
      void message.success(qa.form.saved);
      setOpen(false);
      onSaved();
    },
  });
  const save = async () => {
    edit.mutate(await form.validateFields());
  };
  return (
    <>
      <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setOpen(true)}>
        {qa.question.edit}
      </Button>
      <Modal
        open={open}
        title={qa.question.editTitle}
        onCancel={() => setOpen(false)}
        onOk={save}
        okText={qa.form.save}
        cancelText={qa.form.cancel}
        confirmLoading={edit.isPending}
        width={720}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            title: question.title,
            body: question.body,
            capability: question.capability,
            tags: question.tags,
          }}
        >
          <Form.Item
            name="title"
            label={qa.form.title}
            rules={[{ required: true, whitespace: true, min: 2, message: qa.form.titleRequired }]}
          >
            <Input maxLength={LIMITS.titleMax} />
          </Form.Item>
          <Form.Item
            name="body"
            label={qa.form.body}
            rules={[{ required: true, whitespace: true, message: qa.form.bodyRequired }]}
          >
            <MarkdownInput label={qa.form.body} />
          </Form.Item>
          <Form.Item name="capability" label={qa.form.capability}>
            <Select allowClear options={CAPABILITIES.map((c) => ({ value: c, label: CAPABILITY_LABELS[c] }))} />
          </Form.Item>
          <Form.Item name="tags" label={qa.form.tags}>
            <Select mode="tags" maxCount={5} suffixIcon={null} tokenSeparators={[",", "，", " "]} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function EditAnswerButton({ answer, onSaved }: { answer: Answer; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [body, setBody] = useState(answer.body);
  const { message } = AntApp.useApp();
  const edit = useAction({
    mutationFn: (text: string) => qaApi.editAnswer(answer.id, text),
    onSuccess: () => {
      void message.success(qa.form.saved);
      setOpen(false);
      onSaved();
    },
  });
  const save = () => {
    if (body.trim()) edit.mutate(body);
  };
  return (
    <>
      <Button
        size="small"
        type="text"
        icon={<EditOutlined />}
        onClick={() => {
          setBody(answer.body);
          setOpen(true);
        }}
      >
        {qa.question.edit}
      </Button>
      <Modal
        open={open}
        title={qa.question.editAnswer}
        onCancel={() => setOpen(false)}
        onOk={save}
        okText={qa.form.save}
        cancelText={qa.form.cancel}
        confirmLoading={edit.isPending}
        width={720}
      >
        <MarkdownInput value={body} onChange={setBody} label={qa.question.editAnswer} />
      </Modal>
    </>
  );
}

/** 举报: asks for a reason and sends the report to the admins. */
function ReportButton({ kind, id }: { kind: "questions" | "answers"; id: string }) {
  const { message } = AntApp.useApp();
  return (
    <ReasonButton
      label={qa.question.report}
      title={qa.question.reportTitle}
      reasonLabel={qa.question.reportReason}
      placeholder={qa.question.reportPlaceholder}
      onSubmit={async (reason) => {
        await qaApi.report(kind, id, reason);
        void message.success(qa.question.reported);
      }}
    />
  );
}
