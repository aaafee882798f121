import { Input, Tabs } from "antd";
import { LIMITS } from "../../../../shared/limits.ts";
import { qa } from "../../strings/qa.ts";
import { Markdown } from "./Markdown.tsx";

/** A Markdown textarea with a preview tab (the preview is the same safe renderer as the page). */
export function MarkdownInput({
  value,
  onChange,
  placeholder,
  id,
  rows = 6,
  label,
}: {
  value?: string;
  onChange?: (value: string) => void;
  placeholder?: string;
  id?: string;
  rows?: number;
  label?: string;
}) {
  return (
    <Tabs
      size="small"
      items={[
        {
          key: "write",
          label: qa.form.write,
          children: (
            <Input.TextArea
              id={id}
              aria-label={label}
              value={value}
              onChange={(e) => onChange?.(e.target.value)}
              placeholder={placeholder}
              autoSize={{ minRows: rows, maxRows: 20 }}
              maxLength={LIMITS.bodyMax}
              showCount={(value?.length ?? 0) > LIMITS.bodyMax * 0.8}
            />
          ),
        },
        {
          key: "preview",
          label: qa.form.preview,
          children: value?.trim() ? (
            <div className="qa-preview">
              <Markdown source={value} />
            </div>
          ) : (
            <p className="muted">{qa.form.previewEmpty}</p>
          ),
        },
      ]}
    />
  );
}
