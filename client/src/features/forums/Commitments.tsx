import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Empty, Form, Input, Modal, Radio, Select, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { COMMITMENT_STATUS_LABELS, COMMITMENT_STATUSES, type CommitmentStatus } from "../../../../shared/vocabulary.ts";
import type { Commitment } from "../../../../shared/commitments.ts";
import type { Forum, ForumQuestion } from "../../../../shared/forums.ts";
import { api } from "../../api.ts";
import { forums as t } from "../../strings/forums.ts";
import { useAction } from "../../useAction.ts";

const c = t.commitments;
const STATUS_COLOR: Record<CommitmentStatus, string> = { ongoing: "blue", done: "green", missed: "red" };

export const commitmentsKey = ["commitments"] as const;

/** 上次承诺事项 of a forum's presenters (empty for a forum whose presenters promised nothing before). */
export function usePreviousCommitments(forumId: string) {
  return useQuery({
    queryKey: [...commitmentsKey, "previous", forumId],
    queryFn: ({ signal }) =>
      api<{ commitments: Commitment[] }>(`/api/forums/${forumId}/commitments/previous`, { signal }).then(
        (r) => r.commitments,
      ),
  });
}

/** The owner (or an organiser) reports progress: status and a note. */
function UpdateButton({ commitment }: { commitment: Commitment }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ status: CommitmentStatus; note: string }>();
  const save = useAction({
    mutationFn: (values: { status: CommitmentStatus; note?: string }) =>
      api(`/api/commitments/${commitment.id}`, {
        method: "PATCH",
        body: { status: values.status, note: values.note?.trim() ?? "" },
      }),
    onSuccess: () => {
      message.success(c.updated);
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: commitmentsKey });
      void queryClient.invalidateQueries({ queryKey: ["forums", commitment.forumId, "archive"] });
    },
  });
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid="commitment-update">
        {c.update}
      </Button>
      <Modal
        open={open}
        title={c.update}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        destroyOnHidden
        okText={t.hostTools.save}
        cancelText={t.hostTools.cancel}
      >
        <p>{commitment.content}</p>
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => save.mutate(v)}
          initialValues={{ status: commitment.status, note: commitment.note }}
        >
          <Form.Item name="status" label={c.status}>
            <Radio.Group
              optionType="button"
              options={COMMITMENT_STATUSES.map((s) => ({ value: s, label: COMMITMENT_STATUS_LABELS[s] }))}
            />
          </Form.Item>
          <Form.Item name="note" label={c.note}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} placeholder={c.notePlaceholder} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Commitments as a list: content, owner, due date, status and its note; updatable where the server allows. */
export function CommitmentList({
  commitments,
  showForum,
  showOwner = true,
}: {
  commitments: Commitment[];
  showForum?: boolean;
  showOwner?: boolean;
}) {
  if (commitments.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={c.empty} />;
  return (
    <ol className="commitment-list" data-testid="commitment-list">
      {commitments.map((item) => (
        <li key={item.id} className="commitment" data-testid="commitment" data-status={item.status}>
          <div className="commitment-main">
            <p className="commitment-content">{item.content}</p>
            <p className="muted small">
              {showOwner && (
                <>
                  {c.owner}：{item.ownerName} ·{" "}
                </>
              )}
              {c.dueLine(item.dueOn)}
              {showForum && (
                <>
                  {" "}
                  · {c.forum}「{item.forumTitle}」{dayjs(item.forumAt).format("YYYY-MM-DD")}
                </>
              )}
            </p>
            {item.note && (
              <p className="commitment-note">
                {c.note}：{item.note}
              </p>
            )}
          </div>
          <div className="commitment-side">
            <Tag color={STATUS_COLOR[item.status]}>{COMMITMENT_STATUS_LABELS[item.status]}</Tag>
            {item.canUpdate && <UpdateButton commitment={item} />}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** In the room: what this forum's presenters promised at earlier forums. Hidden when there is nothing. */
export function PreviousCommitmentsCard({ forumId, open }: { forumId: string; open: boolean }) {
  const previous = usePreviousCommitments(forumId);
  if (previous.isPending) return null;
  if (previous.isError) return <Alert type="warning" showIcon title={c.loadFailed} />;
  if (previous.data.length === 0) return null;
  return (
    <details className="previous-commitments" open={open} data-testid="previous-commitments">
      <summary>
        {c.previousTitle}（{previous.data.length}）
      </summary>
      <p className="muted small">{c.previousHint}</p>
      <CommitmentList commitments={previous.data} showForum />
    </details>
  );
}

type RecordValues = { content: string; ownerId: string; dueOn: Dayjs };

/** The host turns a question the secretary promised to act on into a commitment. */
export function RecordCommitmentButton({ forum, question }: { forum: Forum; question: ForumQuestion }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<RecordValues>();
  const presenters = [...new Map(forum.talks.map((talk) => [talk.presenterId, talk.presenterName])).entries()];
  const defaultOwner =
    forum.talks.find((talk) => talk.id === question.talkId)?.presenterId ??
    (presenters.length === 1 ? presenters[0]![0] : undefined);
  const save = useAction({
    mutationFn: (v: RecordValues) =>
      api(`/api/forums/${forum.id}/commitments`, {
        method: "POST",
        body: {
          questionId: question.id,
          ownerId: v.ownerId,
          content: v.content.trim(),
          dueOn: v.dueOn.format("YYYY-MM-DD"),
        },
      }),
    onSuccess: () => {
      message.success(c.recorded);
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: commitmentsKey });
    },
  });
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid="to-commitment">
        {t.questions.toCommitment}
      </Button>
      <Modal
        open={open}
        title={c.record}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        destroyOnHidden
        okText={t.hostTools.save}
        cancelText={t.hostTools.cancel}
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => save.mutate(v)}
          initialValues={{ content: question.text, ownerId: defaultOwner, dueOn: dayjs().add(1, "month") }}
        >
          <Form.Item
            name="content"
            label={c.content}
            rules={[{ required: true, whitespace: true, message: c.contentRequired }]}
          >
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} />
          </Form.Item>
          <Form.Item name="ownerId" label={c.owner} rules={[{ required: true, message: c.owner }]}>
            <Select options={presenters.map(([id, name]) => ({ value: id, label: name }))} />
          </Form.Item>
          <Form.Item name="dueOn" label={c.due} rules={[{ required: true, message: c.dueRequired }]}>
            <DatePicker format="YYYY-MM-DD" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The account page's card: the promises this person made, and where they stand. */
export function MyCommitmentsCard({ hideWhenEmpty }: { hideWhenEmpty?: boolean }) {
  const mine = useQuery({
    queryKey: [...commitmentsKey, "mine"],
    queryFn: ({ signal }) =>
      api<{ commitments: Commitment[] }>("/api/commitments", { signal }).then((r) => r.commitments),
  });
  if (hideWhenEmpty && !mine.data?.length) return null;
  return (
    <Card
      title={<h2 className="card-heading">{c.mineTitle}</h2>}
      className="stack-gap"
      loading={mine.isPending}
      data-testid="my-commitments"
    >
      {mine.isError ? (
        <Alert type="warning" showIcon title={c.loadFailed} />
      ) : mine.data?.length ? (
        <CommitmentList commitments={mine.data} showForum showOwner={false} />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={c.mineEmpty} />
      )}
    </Card>
  );
}
