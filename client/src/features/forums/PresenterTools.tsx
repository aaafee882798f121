import { useEffect, useState } from "react";
import { App, Button, Input, Upload } from "antd";
import { UploadOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { LIMITS } from "../../../../shared/limits.ts";
import type { Talk } from "../../../../shared/forums.ts";
import { api, ApiError, apiUpload } from "../../api.ts";
import { forums as t } from "../../strings/forums.ts";

/** Upload (or replace) a talk's PDF; the server checks the type by content and the size. */
export function DeckUpload({ forumId, talk }: { forumId: string; talk: Talk }) {
  const { message } = App.useApp();
  const [progress, setProgress] = useState<number | null>(null);
  return (
    <Upload
      accept="application/pdf,.pdf"
      showUploadList={false}
      beforeUpload={(file) => {
        if (file.size > LIMITS.deckBytes) {
          message.error(t.room.uploadTooBig(LIMITS.deckBytes / 1024 / 1024));
          return Upload.LIST_IGNORE;
        }
        setProgress(0);
        apiUpload(`/api/forums/${forumId}/talks/${talk.id}/deck`, file, { onProgress: (f) => setProgress(Math.round(f * 100)) })
          .then(() => message.success(t.room.uploaded))
          .catch((err) => message.error(err instanceof ApiError ? err.message : String(err)))
          .finally(() => setProgress(null));
        return false;
      }}
    >
      <Button icon={<UploadOutlined />} loading={progress !== null} data-testid="deck-upload">
        {progress !== null ? `${progress}%` : talk.deck ? t.room.replaceDeck : t.room.uploadDeck}
      </Button>
    </Upload>
  );
}

/** Notes for the page on screen, the presenter's own: the server gives them to nobody else, the host included. */
export function PresenterNotes({ forumId, talk, page }: { forumId: string; talk: Talk; page: number }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const key = ["forums", forumId, "notes", talk.id];
  const notes = useQuery({ queryKey: key, queryFn: () => api<{ notes: Record<string, string> }>(`/api/forums/${forumId}/talks/${talk.id}/notes`) });
  const [text, setText] = useState("");
  const saved = notes.data?.notes[String(page)] ?? "";
  useEffect(() => setText(saved), [saved, page]);
  const save = async () => {
    const next = { ...(notes.data?.notes ?? {}), [String(page)]: text };
    try {
      const res = await api<{ notes: Record<string, string> }>(`/api/forums/${forumId}/talks/${talk.id}/notes`, { method: "PUT", body: { notes: next } });
      queryClient.setQueryData(key, res);
      message.success(t.room.notesSaved);
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <div className="presenter-notes">
      <label className="small muted" htmlFor={`notes-${talk.id}`}>{t.room.notes} · {t.room.page(page, talk.deck?.pageCount ?? null)}</label>
      <Input.TextArea id={`notes-${talk.id}`} value={text} onChange={(e) => setText(e.target.value)} placeholder={t.room.notesPlaceholder} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={LIMITS.chatTextMax} />
      <Button size="small" onClick={() => void save()} disabled={text === saved}>{t.room.notesSave}</Button>
    </div>
  );
}
