import { memo, useState } from "react";
import { Button, Dropdown, Image, Input, Popconfirm, Space, Tag, Tooltip } from "antd";
import {
  CheckSquareOutlined,
  ClockCircleOutlined,
  EllipsisOutlined,
  ExclamationCircleOutlined,
  PaperClipOutlined,
  PushpinFilled,
} from "@ant-design/icons";
import type { Attachment, StudioMember, StudioMessage, StudioTask } from "../../../../shared/studios.ts";
import { LIMITS } from "../../../../shared/limits.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { chatTime, dateTime, fileSize } from "./format.ts";
import type { PendingMessage } from "./roomStore.ts";
import { RichText } from "./RichText.tsx";
import { TaskCard } from "./TaskPanel.tsx";

export function AttachmentView({ attachment }: { attachment: Attachment }) {
  if (attachment.isImage) {
    return (
      <Image
        className="studio-image"
        src={attachment.url}
        alt={attachment.name}
        width={180}
        preview={{ mask: "预览" }}
      />
    );
  }
  return (
    <a
      className="studio-file"
      href={attachment.url}
      target="_blank"
      rel="noopener noreferrer"
      download={attachment.name}
    >
      <PaperClipOutlined aria-hidden="true" /> <span className="studio-file-name">{attachment.name}</span>{" "}
      <span className="studio-muted">{fileSize(attachment.size)}</span>
    </a>
  );
}

function Quote({ replyTo, onJump }: { replyTo: NonNullable<StudioMessage["replyTo"]>; onJump?(seq: number): void }) {
  return (
    <button type="button" className="studio-quote" onClick={() => onJump?.(replyTo.seq)} disabled={!onJump}>
      <strong>{replyTo.authorName}</strong>：{replyTo.withdrawn ? <em>{t.quoteWithdrawn}</em> : replyTo.text}
    </button>
  );
}

interface Props {
  message: StudioMessage;
  mine: boolean;
  isMentor: boolean;
  readOnly: boolean;
  members: StudioMember[];
  task?: StudioTask;
  meId: string;
  onReply(m: StudioMessage): void;
  /** scrolls to a quoted message */
  onJump(seq: number): void;
  onEdit(m: StudioMessage, text: string): Promise<string | null>;
  onWithdraw(m: StudioMessage): Promise<string | null>;
  onPin(m: StudioMessage, pinned: boolean): Promise<string | null>;
  onTaskState(taskId: string, state: "received" | "done"): Promise<string | null>;
  onError(message: string): void;
}

/** One chat line: author, time, quote, text or attachment, task card, 已编辑/已撤回, receipts, actions. */
export const MessageItem = memo(function MessageItem(props: Props) {
  const { message: m, mine, members } = props;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.text);
  const others = members.filter((x) => x.userId !== m.authorId);
  const readers = others.filter((x) => x.readSeq >= m.seq).length;
  const mentionNames = members.map((x) => x.displayName);

  if (m.kind === "system") {
    return (
      <li id={`msg-${m.seq}`} className="studio-system" data-seq={m.seq} data-testid="studio-system-line">
        <span>
          {m.text} · {chatTime(m.createdAt)}
        </span>
      </li>
    );
  }

  if (m.withdrawnAt) {
    return (
      <li id={`msg-${m.seq}`} className="studio-msg studio-msg-withdrawn" data-seq={m.seq} data-testid="studio-message">
        <span className="studio-muted">{t.withdrawn(mine ? "你" : m.authorName, chatTime(m.withdrawnAt))}</span>
      </li>
    );
  }

  const act = async (fn: () => Promise<string | null>) => {
    const error = await fn();
    if (error) props.onError(error);
  };

  const menuItems = [
    { key: "reply", label: t.reply },
    ...(mine && m.kind === "text" && !props.readOnly ? [{ key: "edit", label: t.edit }] : []),
    ...(props.isMentor && !props.readOnly ? [{ key: "pin", label: m.pinnedAt ? t.unpin : t.pin }] : []),
    ...(mine && !props.readOnly ? [{ key: "withdraw", label: t.withdraw, danger: true }] : []),
  ];

  const onMenu = ({ key }: { key: string }) => {
    if (key === "reply") props.onReply(m);
    if (key === "edit") {
      setDraft(m.text);
      setEditing(true);
    }
    if (key === "pin") void act(() => props.onPin(m, !m.pinnedAt));
    if (key === "withdraw") void act(() => props.onWithdraw(m));
  };

  return (
    <li
      id={`msg-${m.seq}`}
      className={`studio-msg ${mine ? "studio-msg-mine" : ""}`}
      data-seq={m.seq}
      data-testid="studio-message"
    >
      <div className="studio-msg-head">
        <span className="studio-author">{m.authorName}</span>
        <time className="studio-muted" dateTime={m.createdAt} title={dateTime(m.createdAt)}>
          {chatTime(m.createdAt)}
        </time>
        {m.pinnedAt && (
          <Tooltip title={t.pinned}>
            <PushpinFilled className="studio-pin-icon" aria-label={t.pinned} />
          </Tooltip>
        )}
      </div>
      <div className="studio-bubble-row">
        <div className={`studio-bubble ${m.kind === "task" ? "studio-bubble-task" : ""}`}>
          {m.replyTo && <Quote replyTo={m.replyTo} onJump={props.onJump} />}
          {editing ? (
            <Space.Compact orientation="vertical" style={{ width: "100%" }}>
              <Input.TextArea
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                autoSize={{ minRows: 1, maxRows: 6 }}
                maxLength={LIMITS.chatTextMax}
                aria-label={t.editing}
                autoFocus
              />
              <Space>
                <Button
                  size="small"
                  type="primary"
                  disabled={!draft.trim()}
                  onClick={async () => {
                    const error = await props.onEdit(m, draft.trim());
                    if (error) props.onError(error);
                    else setEditing(false);
                  }}
                >
                  {t.save}
                </Button>
                <Button size="small" onClick={() => setEditing(false)}>
                  {t.cancel}
                </Button>
              </Space>
            </Space.Compact>
          ) : m.kind === "task" && props.task ? (
            <TaskCard
              task={props.task}
              meId={props.meId}
              readOnly={props.readOnly}
              onState={props.onTaskState}
              onError={props.onError}
            />
          ) : (
            m.text && (
              <div className="studio-text">
                {m.kind === "task" && <CheckSquareOutlined aria-label={t.taskCard} style={{ marginRight: 4 }} />}
                <RichText text={m.text} mentionNames={mentionNames} />
              </div>
            )
          )}
          {m.attachment && <AttachmentView attachment={m.attachment} />}
          {m.editedAt && <div className="studio-muted studio-edited">{t.edited(chatTime(m.editedAt))}</div>}
        </div>
        <Dropdown menu={{ items: menuItems, onClick: onMenu }} trigger={["click"]}>
          <Button
            type="text"
            size="small"
            icon={<EllipsisOutlined />}
            aria-label={t.more}
            className="studio-msg-menu"
          />
        </Dropdown>
      </div>
      {mine && others.length > 0 && (
        <div className="studio-receipt" data-testid="studio-receipt">
          {readers === others.length ? t.allRead : t.readBy(readers, others.length)}
        </div>
      )}
    </li>
  );
});

/** A message of ours not yet acknowledged: queued offline, on its way, or refused. */
export function PendingItem({ p, onRetry, onDiscard }: { p: PendingMessage; onRetry(): void; onDiscard(): void }) {
  return (
    <li className="studio-msg studio-msg-mine studio-msg-pending" data-testid="studio-pending">
      <div className="studio-bubble-row">
        <div className="studio-bubble">
          {p.replyTo && <Quote replyTo={p.replyTo} />}
          {p.text && (
            <div className="studio-text">
              <RichText text={p.text} />
            </div>
          )}
          {p.attachment && <AttachmentView attachment={p.attachment} />}
        </div>
      </div>
      <div className="studio-receipt">
        {p.status === "failed" ? (
          <Space size={4} wrap>
            <Tag color="error" icon={<ExclamationCircleOutlined />}>
              {t.failed}
              {p.error ? `：${p.error}` : ""}
            </Tag>
            <Button size="small" type="link" onClick={onRetry}>
              {t.resend}
            </Button>
            <Popconfirm title={`${t.discard}？`} onConfirm={onDiscard}>
              <Button size="small" type="link" danger>
                {t.discard}
              </Button>
            </Popconfirm>
          </Space>
        ) : (
          <span className="studio-muted">
            <ClockCircleOutlined /> {t.pending}
          </span>
        )}
      </div>
    </li>
  );
}
