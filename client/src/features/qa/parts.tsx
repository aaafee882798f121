import { useState } from "react";
import { Link } from "react-router";
import { Button, Form, Input, Modal, Tag, Tooltip } from "antd";
import { CheckCircleFilled, LikeFilled, LikeOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import relativeTime from "dayjs/plugin/relativeTime";
import "dayjs/locale/zh-cn";
import type { HighlightPart, QaAuthor } from "../../../../shared/qa.ts";
import { CAPABILITY_LABELS, LEVEL_LABELS, type Capability } from "../../../../shared/vocabulary.ts";
import { qa } from "../../strings/qa.ts";
import { errorText, useAction } from "../../useAction.ts";

dayjs.extend(relativeTime);
dayjs.locale("zh-cn");

export const fromNow = (iso: string) => dayjs(iso).fromNow();
export const fullTime = (iso: string) => dayjs(iso).format("YYYY-MM-DD HH:mm");

// the qa pages import it from here, beside their other small parts
export { errorText };

/** Search hits as <mark>, everything as text (never HTML). */
export function Highlighted({ parts, fallback }: { parts?: HighlightPart[]; fallback: string }) {
  if (!parts) return <>{fallback}</>;
  return (
    <>
      {parts.map((p, i) =>
        p.hit ? (
          <mark key={i} className="qa-hit">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

export function CapabilityTag({ capability }: { capability: Capability | null }) {
  if (!capability) return null;
  return <Tag color="blue">{CAPABILITY_LABELS[capability]}</Tag>;
}

/** The author as the server allowed us to see them: 匿名社工 has no link. */
export function AuthorName({ author, veteranBadge = false }: { author: QaAuthor; veteranBadge?: boolean }) {
  if (!author.id) return <span className="qa-author qa-anonymous">{author.displayName}</span>;
  return (
    <span className="qa-author">
      <Link to={`/qa/people/${author.id}`}>{author.displayName}</Link>
      {veteranBadge && author.role === "veteran" && (
        <Tag color="gold" className="qa-veteran-tag">
          {qa.question.veteran}
        </Tag>
      )}
      {author.level && <span className="muted qa-level">{LEVEL_LABELS[author.level]}</span>}
      {author.anonymous && <Tag>{qa.form.anonymous}</Tag>}
    </span>
  );
}

export function VoteButton({
  votes,
  voted,
  onVote,
  label,
  disabled,
  own,
}: {
  votes: number;
  voted: boolean;
  onVote: () => void;
  label: string;
  disabled?: boolean;
  /** the viewer wrote it: the count shows, the button is off (the server refuses self-votes too) */
  own?: "question" | "answer";
}) {
  if (own) {
    const why = own === "question" ? qa.question.ownQuestion : qa.question.ownAnswer;
    return (
      <Tooltip title={why}>
        <Button
          size="small"
          icon={<LikeOutlined />}
          disabled
          aria-label={`${why}（${label}），${votes}`}
          data-testid="vote-own"
        >
          {votes}
        </Button>
      </Tooltip>
    );
  }
  return (
    <Button
      size="small"
      type={voted ? "primary" : "default"}
      ghost={voted}
      icon={voted ? <LikeFilled /> : <LikeOutlined />}
      aria-pressed={voted}
      aria-label={`${voted ? qa.question.voted : qa.question.vote}（${label}），${votes}`}
      onClick={onVote}
      disabled={disabled}
      data-testid="vote-button"
    >
      {votes}
    </Button>
  );
}

export function AcceptedMark() {
  return (
    <Tooltip title={qa.question.accepted}>
      <Tag color="success" icon={<CheckCircleFilled />}>
        {qa.question.accepted}
      </Tag>
    </Tooltip>
  );
}

/** Asks for a reason (report, hide, restore) and runs the action with it. */
export function ReasonButton({
  label,
  title,
  reasonLabel,
  placeholder,
  onSubmit,
  danger,
  size = "small",
}: {
  label: string;
  title: string;
  reasonLabel: string;
  placeholder?: string;
  onSubmit: (reason: string) => Promise<unknown>;
  danger?: boolean;
  size?: "small" | "middle";
}) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const run = useAction({
    mutationFn: (reason: string) => onSubmit(reason),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
    },
  });
  const submit = async () => {
    const { reason } = await form.validateFields();
    run.mutate(reason.trim());
  };
  return (
    <>
      <Button size={size} type="text" danger={danger} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal
        open={open}
        title={title}
        onCancel={() => setOpen(false)}
        onOk={submit}
        confirmLoading={run.isPending}
        okText={label}
        cancelText={qa.form.cancel}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={reasonLabel}
            rules={[{ required: true, whitespace: true, message: qa.question.reasonRequired }]}
          >
            <Input.TextArea autoFocus rows={3} maxLength={500} showCount placeholder={placeholder} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
