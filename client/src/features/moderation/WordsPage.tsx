import { useMemo, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App as AntApp, Alert, Button, Card, Input, List, Popconfirm, Space, Typography, Upload } from "antd";
import { UploadOutlined } from "@ant-design/icons";
import type { WordTestResult } from "../../../../shared/moderation.ts";
import { api, ApiError, apiUpload } from "../../api.ts";
import { moderation as t } from "../../strings/moderation.ts";
import { useWordList, WORDS_QUERY_KEY } from "./useWords.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
const errorText = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

/** Organisers keep the sensitive-word list: add, import, test, remove. */
export default function WordsPage() {
  useDocumentTitle(t.nav);
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState("");
  const [filter, setFilter] = useState("");
  const [sentence, setSentence] = useState("");

  const words = useWordList();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: WORDS_QUERY_KEY });

  const add = useMutation({
    mutationFn: (list: string[]) => api<{ added: string[] }>("/api/moderation/words", { body: { words: list } }),
    onSuccess: (r) => {
      void message.success(t.added(r.added.length));
      setDraft("");
      refresh();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const upload = useMutation({
    mutationFn: (file: File) => apiUpload<{ read: number; added: number }>("/api/moderation/words/import", file),
    onSuccess: (r) => {
      void message.success(t.imported(r.read, r.added));
      refresh();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const remove = useMutation({
    mutationFn: (word: string) => api(`/api/moderation/words/${encodeURIComponent(word)}`, { method: "DELETE" }),
    onSuccess: () => {
      void message.success(t.removed);
      refresh();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const test = useMutation({
    mutationFn: (text: string) => api<WordTestResult>("/api/moderation/words/test", { body: { text } }),
  });

  const shown = useMemo(
    () => (words.data ?? []).filter((w) => !filter || w.includes(filter.trim())),
    [words.data, filter],
  );
  const draftWords = draft
    .split(/\r?\n/)
    .map((w) => w.trim())
    .filter(Boolean);

  return (
    <div className="page words-page">
      <Typography.Title level={2}>{t.title}</Typography.Title>
      <Typography.Paragraph type="secondary">{t.intro}</Typography.Paragraph>
      {words.data?.length === 0 && (
        <Alert type="warning" showIcon message={t.emptyWarning} style={{ marginBottom: 16 }} />
      )}

      <Card title={t.testTitle} size="small" style={{ marginBottom: 16 }}>
        <Space.Compact style={{ width: "100%" }}>
          <Input
            aria-label={t.testTitle}
            placeholder={t.testPlaceholder}
            value={sentence}
            maxLength={2000}
            onChange={(e) => setSentence(e.target.value)}
            onPressEnter={() => sentence && test.mutate(sentence)}
          />
          <Button type="primary" disabled={!sentence} loading={test.isPending} onClick={() => test.mutate(sentence)}>
            {t.test}
          </Button>
        </Space.Compact>
        {test.data && (
          <Alert
            style={{ marginTop: 12 }}
            type={test.data.matches.length ? "error" : "success"}
            showIcon
            message={test.data.matches.length ? t.testHit(test.data.matches.join("、")) : t.testNone}
          />
        )}
        {test.error && <Alert style={{ marginTop: 12 }} type="error" showIcon message={errorText(test.error)} />}
      </Card>

      <Card size="small" style={{ marginBottom: 16 }}>
        <Space direction="vertical" style={{ width: "100%" }}>
          <Input.TextArea
            aria-label={t.addPlaceholder}
            placeholder={t.addPlaceholder}
            value={draft}
            autoSize={{ minRows: 2, maxRows: 6 }}
            onChange={(e) => setDraft(e.target.value)}
          />
          <Space wrap>
            <Button
              type="primary"
              disabled={draftWords.length === 0}
              loading={add.isPending}
              onClick={() => add.mutate(draftWords)}
            >
              {t.add}
            </Button>
            <Upload
              accept=".txt,text/plain"
              showUploadList={false}
              beforeUpload={(file) => {
                upload.mutate(file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={upload.isPending}>
                {t.import}
              </Button>
            </Upload>
            <Typography.Text type="secondary">{t.importHint}</Typography.Text>
          </Space>
        </Space>
      </Card>

      <Card
        size="small"
        title={t.count(words.data?.length ?? 0)}
        extra={
          <Input.Search
            aria-label={t.search}
            placeholder={t.search}
            allowClear
            onChange={(e) => setFilter(e.target.value)}
            style={{ width: 200 }}
          />
        }
      >
        {words.error && <Alert type="error" showIcon message={errorText(words.error)} />}
        <List
          loading={words.isLoading}
          locale={{ emptyText: t.empty }}
          grid={{ gutter: 8, xs: 2, sm: 3, md: 4, lg: 6 }}
          pagination={{ pageSize: 120, hideOnSinglePage: true, showSizeChanger: false }}
          dataSource={shown}
          renderItem={(word) => (
            <List.Item>
              <Space size={4}>
                <span>{word}</span>
                <Popconfirm title={t.removeConfirm(word)} onConfirm={() => remove.mutate(word)}>
                  <Button type="link" size="small" danger aria-label={`${t.remove}「${word}」`}>
                    {t.remove}
                  </Button>
                </Popconfirm>
              </Space>
            </List.Item>
          )}
        />
      </Card>
    </div>
  );
}
