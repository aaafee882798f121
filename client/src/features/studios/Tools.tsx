import { useState } from "react";
import { Button, DatePicker, Empty, Input, List, Space, Typography } from "antd";
import { DownloadOutlined } from "@ant-design/icons";
import dayjs, { type Dayjs } from "dayjs";
import type { StudioMessage } from "../../../../shared/studios.ts";
import { api } from "../../api.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { chatTime } from "./format.ts";
import { RichText } from "./RichText.tsx";

/** Search within the studio; choosing a hit scrolls the chat to it when it is loaded. */
export function SearchPanel({ studioId, onPick }: { studioId: string; onPick(m: StudioMessage): void }) {
  const [results, setResults] = useState<StudioMessage[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const search = async (q: string) => {
    if (!q.trim()) return;
    setLoading(true);
    setError(null);
    try {
      const { messages } = await api<{ messages: StudioMessage[] }>(
        `/api/studios/${studioId}/search?q=${encodeURIComponent(q.trim())}`,
      );
      setResults(messages);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  };
  return (
    <div>
      <Input.Search
        placeholder={t.searchPlaceholder}
        aria-label={t.searchPlaceholder}
        enterButton={t.search}
        loading={loading}
        onSearch={search}
        maxLength={100}
        data-testid="studio-search"
      />
      {error && (
        <div className="studio-error" role="alert">
          {error}
        </div>
      )}
      {results && (
        <List
          className="studio-search-results"
          dataSource={results}
          locale={{ emptyText: <Empty description={t.searchEmpty} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          renderItem={(m) => (
            <List.Item>
              <button type="button" className="studio-search-hit" onClick={() => onPick(m)}>
                <Typography.Text type="secondary">
                  {m.authorName} · {chatTime(m.createdAt)}
                </Typography.Text>
                <div>
                  <RichText text={m.text} />
                </div>
              </button>
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

/** 带教记录: Markdown (messages, pinned guidance, tasks) or tasks as CSV, for a date range. */
export function ExportPanel({ studioId, termStartsAt }: { studioId: string; termStartsAt: string }) {
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs(termStartsAt), dayjs()]);
  const href = (format: "md" | "csv") =>
    `/api/studios/${studioId}/export?format=${format}&from=${range[0].format("YYYY-MM-DD")}&to=${range[1].format("YYYY-MM-DD")}`;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <label htmlFor="studio-export-range">{t.exportRange}</label>
      <DatePicker.RangePicker
        id="studio-export-range"
        value={range}
        onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
        allowClear={false}
        style={{ width: "100%" }}
        inputReadOnly
      />
      <Button icon={<DownloadOutlined />} href={href("md")} block type="primary">
        {t.exportMd}
      </Button>
      <Button icon={<DownloadOutlined />} href={href("csv")} block>
        {t.exportCsv}
      </Button>
    </Space>
  );
}
