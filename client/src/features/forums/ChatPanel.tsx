import { useEffect, useRef, useState } from "react";
import { App, Button, Empty } from "antd";
// antd per component: the Input barrel would bring Password, Search and OTP (and their tooltip) along
import TextArea from "antd/es/input/TextArea.js";
import { ROLE_LABELS } from "../../../../shared/vocabulary.ts";
import dayjs from "dayjs";
import { LIMITS } from "../../../../shared/limits.ts";
import { forums as t } from "../../strings/forums.ts";
import { newClientId } from "./clientId.ts";
import { type RoomState, sendReliably } from "./useForumRoom.ts";

export function ChatPanel({ room, disabled }: { room: RoomState; disabled: boolean }) {
  const { message } = App.useApp();
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const ended = room.forum.status === "ended";

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a line is added, to keep the newest in view
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [room.chat.length]);

  const send = async () => {
    const body = text.trim();
    if (!body) return;
    setSending(true);
    // one clientId per line: a resend after a timeout is recognised by the server
    const ack = await sendReliably("forum:chat", { forumId: room.forum.id, text: body, clientId: newClientId() });
    setSending(false);
    if (ack.ok) setText("");
    else message.error(ack.error.message);
  };

  return (
    <section className="forum-panel chat-panel" aria-label={t.chat.title}>
      {room.chat.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.chat.empty} />
      ) : (
        <ol className="chat-list" ref={list} aria-live="polite" data-testid="chat-list">
          {room.chat.map((m) => (
            <li key={m.id} className={m.author.id === room.me.id ? "chat-mine" : undefined}>
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
      {!ended && (
        <div className="composer">
          <TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t.chat.placeholder}
            maxLength={LIMITS.chatTextMax}
            autoSize={{ minRows: 1, maxRows: 4 }}
            aria-label={t.chat.placeholder}
            onPressEnter={(e) => {
              if (!e.shiftKey) {
                e.preventDefault();
                void send();
              }
            }}
          />
          <Button type="primary" onClick={() => void send()} loading={sending} disabled={disabled || !text.trim()}>
            {t.chat.send}
          </Button>
        </div>
      )}
    </section>
  );
}
