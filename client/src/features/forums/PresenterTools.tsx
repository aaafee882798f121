import { useEffect, useState } from "react";
import { App, Button, Input, Upload } from "antd";
import { UploadOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { LIMITS } from "../../../../shared/limits.ts";
import type { DeckProgress, Talk } from "../../../../shared/forums.ts";
import { api, ApiError, apiUpload } from "../../api.ts";
import { getSocket } from "../../socket.ts";
import { forums as t } from "../../strings/forums.ts";

type DeckStep = { kind: "uploading"; percent: number } | { kind: "checking" | "queued" | "converting" };

/**
 * Upload (or replace) a talk's deck: a PDF, or a PowerPoint/Impress file the server converts to
 * PDF. The button shows each step: 上传中 (bytes going up), then 排队中 / 转换中 as the server
 * reports them over the socket, then 完成 when the answer comes.
 */
export function DeckUpload({ forumId, talk }: { forumId: string; talk: Talk }) {
  const { message } = App.useApp();
  const [step, setStep] = useState<DeckStep | null>(null);

  useEffect(() => {
    const socket = getSocket();
    const onProgress = (p: DeckProgress) => {
      if (p.talkId === talk.id) setStep((current) => (current ? { kind: p.step } : current));
    };
    socket.on("forum:deckProgress", onProgress);
    return () => {
      socket.off("forum:deckProgress", onProgress);
    };
  }, [talk.id]);

  const label = !step
    ? talk.deck
      ? t.room.replaceDeck
      : t.room.uploadDeck
    : step.kind === "uploading"
      ? t.room.deckStep.uploading(step.percent)
      : t.room.deckStep[step.kind];
  return (
    <Upload
      accept=".pdf,.ppt,.pptx,.odp,application/pdf"
      showUploadList={false}
      beforeUpload={(file) => {
        if (file.size > LIMITS.deckBytes) {
          message.error(t.room.uploadTooBig(LIMITS.deckBytes / 1024 / 1024));
          return Upload.LIST_IGNORE;
        }
        setStep({ kind: "uploading", percent: 0 });
        apiUpload(`/api/forums/${forumId}/talks/${talk.id}/deck`, file, {
          // The last upload-progress event can arrive after the server's 排队中/转换中 push; it must not
          // take the button back to 检查中.
          onProgress: (f) =>
            setStep((current) =>
              f < 1
                ? { kind: "uploading", percent: Math.round(f * 100) }
                : current?.kind === "uploading"
                  ? { kind: "checking" }
                  : current,
            ),
        })
          .then(() => message.success(`${t.room.deckStep.done}：${t.room.uploaded}`))
          .catch((err) => message.error(err instanceof ApiError ? err.message : String(err)))
          .finally(() => setStep(null));
        return false;
      }}
    >
      <Button
        icon={<UploadOutlined />}
        loading={step !== null}
        data-testid="deck-upload"
        title={t.room.deckHint}
        aria-label={`${label}（${t.room.deckHint}）`}
      >
        <span data-testid="deck-upload-label">{label}</span>
      </Button>
    </Upload>
  );
}

/** Notes for the page on screen, the presenter's own: the server gives them to nobody else, the host included. */
export function PresenterNotes({ forumId, talk, page }: { forumId: string; talk: Talk; page: number }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const key = ["forums", forumId, "notes", talk.id];
  const notes = useQuery({
    queryKey: key,
    queryFn: () => api<{ notes: Record<string, string> }>(`/api/forums/${forumId}/talks/${talk.id}/notes`),
  });
  const [text, setText] = useState("");
  const saved = notes.data?.notes[String(page)] ?? "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: a page turn shows that page's note again, even when two pages' notes are the same text
  useEffect(() => setText(saved), [saved, page]);
  const save = async () => {
    const next = { ...(notes.data?.notes ?? {}), [String(page)]: text };
    try {
      const res = await api<{ notes: Record<string, string> }>(`/api/forums/${forumId}/talks/${talk.id}/notes`, {
        method: "PUT",
        body: { notes: next },
      });
      queryClient.setQueryData(key, res);
      message.success(t.room.notesSaved);
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <div className="presenter-notes">
      <label className="small muted" htmlFor={`notes-${talk.id}`}>
        {t.room.notes} · {t.room.page(page, talk.deck?.pageCount ?? null)}
      </label>
      <Input.TextArea
        id={`notes-${talk.id}`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={t.room.notesPlaceholder}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={LIMITS.chatTextMax}
      />
      <Button size="small" onClick={() => void save()} disabled={text === saved}>
        {t.room.notesSave}
      </Button>
    </div>
  );
}
