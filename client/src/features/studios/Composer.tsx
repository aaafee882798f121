import { useRef, useState } from "react";
import { Button, Mentions, Progress, Tooltip, Upload } from "antd";
import { CloseOutlined, PaperClipOutlined, SendOutlined } from "@ant-design/icons";
import { LIMITS } from "../../../../shared/limits.ts";
import type { Attachment, StudioMember, StudioMessage } from "../../../../shared/studios.ts";
import { apiUpload } from "../../api.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { AttachmentView } from "./MessageItem.tsx";

interface Props {
  studioId: string;
  members: StudioMember[];
  meId: string;
  online: boolean;
  replyTo: StudioMessage | null;
  onCancelReply(): void;
  onSend(text: string, attachment: Attachment | null): void;
  onTyping(active: boolean): void;
  onError(message: string): void;
}

/** The input row: @mentions, reply chip, attachment upload, Enter to send (Shift+Enter for a new line). */
export function Composer(props: Props) {
  const [text, setText] = useState("");
  const [attachment, setAttachment] = useState<Attachment | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const mentionOpen = useRef(false);

  const canSend = (text.trim().length > 0 || attachment !== null) && progress === null;
  const submit = () => {
    if (!canSend) return;
    props.onSend(text.trim(), attachment);
    props.onTyping(false);
    setText("");
    setAttachment(null);
  };

  const upload = async (file: File) => {
    if (file.size > LIMITS.attachmentBytes) {
      props.onError(t.tooLarge);
      return;
    }
    setProgress(0);
    try {
      const { attachment } = await apiUpload<{ attachment: Attachment }>(
        `/api/studios/${props.studioId}/attachments`,
        file,
        {
          onProgress: (f) => setProgress(Math.round(f * 100)),
        },
      );
      setAttachment(attachment);
    } catch (err) {
      props.onError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="studio-composer">
      {props.replyTo && (
        <div className="studio-reply-chip">
          <span>
            {t.replyingTo(props.replyTo.authorName)}：{props.replyTo.text.slice(0, 40)}
          </span>
          <Button
            type="text"
            size="small"
            icon={<CloseOutlined />}
            aria-label={t.cancelReply}
            onClick={props.onCancelReply}
          />
        </div>
      )}
      {attachment && (
        <div className="studio-reply-chip">
          <AttachmentView attachment={attachment} />
          <Button
            type="text"
            size="small"
            icon={<CloseOutlined />}
            aria-label={t.cancel}
            onClick={() => setAttachment(null)}
          />
        </div>
      )}
      {progress !== null && <Progress percent={progress} size="small" aria-label={t.uploading} />}
      <div className="studio-composer-row">
        <Upload
          showUploadList={false}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
          disabled={!props.online || progress !== null}
        >
          <Tooltip title={t.attach}>
            <Button icon={<PaperClipOutlined />} aria-label={t.attach} disabled={!props.online || progress !== null} />
          </Tooltip>
        </Upload>
        <Mentions
          className="studio-input"
          value={text}
          aria-label={t.placeholder}
          placeholder={props.online ? t.placeholder : t.placeholderOffline}
          autoSize={{ minRows: 1, maxRows: 5 }}
          maxLength={LIMITS.chatTextMax}
          options={props.members
            .filter((m) => m.userId !== props.meId)
            .map((m) => ({ value: m.displayName, label: m.displayName, key: m.userId }))}
          onSearch={() => {
            mentionOpen.current = true;
          }}
          onSelect={() => {
            mentionOpen.current = false;
          }}
          onBlur={() => {
            mentionOpen.current = false;
            props.onTyping(false);
          }}
          onChange={(value) => {
            setText(value);
            const tail = value.slice(value.lastIndexOf("@"));
            if (!value.includes("@") || /\s/.test(tail)) mentionOpen.current = false;
            if (value.trim()) props.onTyping(true);
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") mentionOpen.current = false;
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing && !mentionOpen.current) {
              e.preventDefault();
              submit();
            }
          }}
          data-testid="studio-input"
        />
        <Button
          type="primary"
          icon={<SendOutlined />}
          onClick={submit}
          disabled={!canSend}
          aria-label={t.send}
          data-testid="studio-send"
        >
          <span className="studio-send-label">{t.send}</span>
        </Button>
      </div>
    </div>
  );
}
