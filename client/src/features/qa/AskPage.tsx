import { useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App as AntApp, Alert, Button, Card, Form, Input, Select, Switch } from "antd";
import { CAPABILITIES, CAPABILITY_LABELS, type Capability } from "../../../../shared/vocabulary.ts";
import { LIMITS } from "../../../../shared/limits.ts";
import { QA_LIMITS } from "../../../../shared/qa.ts";
import { qa } from "../../strings/qa.ts";
import { MarkdownInput } from "./MarkdownInput.tsx";
import { errorText, Highlighted } from "./parts.tsx";
import { useAction } from "../../useAction.ts";
import { qaApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

interface AskValues {
  title: string;
  body?: string;
  capability?: Capability;
  tags?: string[];
  anonymous?: boolean;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Similar questions for a title being typed, so people find an existing answer first. */
export function SimilarQuestions({ title }: { title: string }) {
  const debounced = useDebounced(title.trim(), 300);
  const similar = useQuery({
    queryKey: ["qa", "similar", debounced],
    queryFn: ({ signal }) => qaApi.similar(debounced, signal).then((r) => r.questions),
    enabled: [...debounced].length >= 2,
    staleTime: 30_000,
  });
  const items = [...debounced].length >= 2 ? (similar.data ?? []) : [];
  return (
    <div aria-live="polite" className="qa-similar" data-testid="qa-similar">
      {items.length > 0 && (
        <>
          <p className="qa-similar-title">{qa.form.similar}</p>
          <ul>
            {items.map((q) => (
              <li key={q.id}>
                <Link to={`/qa/questions/${q.id}`} target="_blank" rel="noopener">
                  <Highlighted parts={q.highlight?.title} fallback={q.title} />
                </Link>
                <span className="muted">
                  {" "}
                  · {q.answerCount} {qa.board.answers}
                  {q.acceptedAnswerId ? ` · ${qa.board.accepted}` : ""}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The ask form; with `eventId` it asks from the floor of a live 老书记论坛. */
export function AskForm({ eventId, onDone }: { eventId?: string; onDone: (id: string) => void }) {
  const [form] = Form.useForm<AskValues>();
  const title = Form.useWatch("title", form) ?? "";
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();

  const submit = useAction({
    mutationFn: (values: AskValues) =>
      qaApi.ask({
        title: values.title.trim(),
        body: values.body?.trim() || undefined,
        capability: values.capability ?? null,
        tags: values.tags ?? [],
        anonymous: values.anonymous ?? false,
        ...(eventId && { eventId }),
      }),
    onSuccess: ({ question }) => {
      void message.success(qa.form.posted);
      void queryClient.invalidateQueries({ queryKey: ["qa", "list"] });
      onDone(question.id);
    },
    // no toast: the failure stays above the button (below) until the next try, as this form always showed it
    onError: () => {},
  });

  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(values) => submit.mutate(values)}
      requiredMark="optional"
      data-testid="qa-ask-form"
    >
      <Form.Item
        name="title"
        label={qa.form.title}
        rules={[{ required: true, whitespace: true, min: 2, message: qa.form.titleRequired }]}
      >
        <Input placeholder={qa.form.titlePlaceholder} maxLength={LIMITS.titleMax} showCount autoFocus />
      </Form.Item>
      <SimilarQuestions title={title} />
      {eventId ? (
        <Form.Item name="body" label={qa.form.floorBodyOptional} extra={qa.form.floorHint}>
          <MarkdownInput placeholder={qa.form.bodyPlaceholder} label={qa.form.floorBodyOptional} rows={2} />
        </Form.Item>
      ) : (
        <Form.Item
          name="body"
          label={qa.form.body}
          rules={[{ required: true, whitespace: true, message: qa.form.bodyRequired }]}
        >
          <MarkdownInput placeholder={qa.form.bodyPlaceholder} label={qa.form.body} />
        </Form.Item>
      )}
      <div className="qa-form-row">
        <Form.Item name="capability" label={qa.form.capability}>
          <Select
            allowClear
            placeholder={qa.form.capabilityPlaceholder}
            options={CAPABILITIES.map((c) => ({ value: c, label: CAPABILITY_LABELS[c] }))}
          />
        </Form.Item>
        <Form.Item
          name="tags"
          label={qa.form.tags}
          rules={[{ type: "array", max: QA_LIMITS.tagsMax, message: qa.form.tagsPlaceholder }]}
        >
          <Select
            mode="tags"
            placeholder={qa.form.tagsPlaceholder}
            maxCount={QA_LIMITS.tagsMax}
            tokenSeparators={[",", "，", " "]}
            suffixIcon={null}
          />
        </Form.Item>
      </div>
      <Form.Item name="anonymous" label={qa.form.anonymous} valuePropName="checked" extra={qa.form.anonymousHint}>
        <Switch />
      </Form.Item>
      {submit.error && <Alert type="error" showIcon message={errorText(submit.error)} className="stack-gap" />}
      <Button type="primary" htmlType="submit" loading={submit.isPending}>
        {qa.form.submit}
      </Button>
    </Form>
  );
}

export default function AskPage() {
  useDocumentTitle(shell.titles.qaAsk);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const eventId = params.get("event") ?? undefined;
  return (
    <div className="page page-narrow qa-ask">
      <p>
        <Link to="/qa">← {qa.back}</Link>
      </p>
      <h1 className="page-title">{qa.ask}</h1>
      <Card>
        <AskForm eventId={eventId} onDone={(id) => navigate(`/qa/questions/${id}`)} />
      </Card>
    </div>
  );
}
