import { Link, useNavigate } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App as AntApp, Alert, Button, Card, DatePicker, Form, Input, InputNumber, List, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { LIMITS } from "../../../../shared/limits.ts";
import { QA_LIMITS, type QaEventStatus } from "../../../../shared/qa.ts";
import { useCurrentUser } from "../../auth.tsx";
import { isAnyOrganiser } from "../../roles.ts";
import { qa } from "../../strings/qa.ts";
import { errorText, fullTime } from "./parts.tsx";
import { useAction } from "../../useAction.ts";
import { qaApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

const STATUS_COLOR: Record<QaEventStatus, string> = { scheduled: "blue", live: "red", ended: "default" };

export function EventStatus({ status }: { status: QaEventStatus }) {
  return <Tag color={STATUS_COLOR[status]}>{qa.events.status[status]}</Tag>;
}

/** The quarterly 老书记论坛: list, and scheduling for admins. */
export default function EventsPage() {
  useDocumentTitle(shell.titles.qaEvents);
  const me = useCurrentUser();
  const events = useQuery({
    queryKey: ["qa", "events"],
    queryFn: ({ signal }) => qaApi.events(signal).then((r) => r.events),
  });
  const t = qa.events;
  return (
    <div className="page page-narrow">
      <p>
        <Link to="/qa">← {qa.back}</Link>
      </p>
      <h1 className="page-title">{t.title}</h1>
      <p className="muted">{t.intro}</p>
      {isAnyOrganiser(me) && <ScheduleForm />}
      {events.isError && <Alert type="error" showIcon message={errorText(events.error)} />}
      <Card>
        <List
          loading={events.isPending}
          locale={{ emptyText: t.empty }}
          dataSource={events.data ?? []}
          renderItem={(e) => (
            <List.Item
              actions={[
                <Link key="enter" to={`/qa/events/${e.id}`}>
                  {t.enter}
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={
                  <span>
                    <Link to={`/qa/events/${e.id}`}>{e.title}</Link> <EventStatus status={e.status} />
                  </span>
                }
                description={`${fullTime(e.startsAt)} · ${t.host} ${e.host.displayName}`}
              />
            </List.Item>
          )}
        />
      </Card>
    </div>
  );
}

function ScheduleForm() {
  const [form] = Form.useForm<{ title: string; startsAt: Dayjs; pull: number }>();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const t = qa.events;
  const submit = useAction({
    mutationFn: (values: { title: string; startsAt: Dayjs; pull: number }) =>
      qaApi.createEvent({ title: values.title.trim(), startsAt: values.startsAt.toISOString(), pull: values.pull }),
    onSuccess: ({ event }) => {
      void message.success(t.created);
      void queryClient.invalidateQueries({ queryKey: ["qa", "events"] });
      navigate(`/qa/events/${event.id}`);
    },
  });
  return (
    <Card title={<h2 className="card-heading">{t.schedule}</h2>} className="stack-gap">
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => submit.mutate(values)}
        initialValues={{ pull: QA_LIMITS.eventPull, startsAt: dayjs().add(7, "day").hour(14).minute(30).second(0) }}
      >
        <Form.Item
          name="title"
          label={t.formTitle}
          rules={[{ required: true, whitespace: true, min: 2, message: qa.form.titleRequired }]}
        >
          <Input placeholder={t.formTitlePlaceholder} maxLength={LIMITS.titleMax} />
        </Form.Item>
        <div className="qa-form-row">
          <Form.Item name="startsAt" label={t.startsAt} rules={[{ required: true }]}>
            <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" style={{ width: "100%" }} />
          </Form.Item>
          <Form.Item name="pull" label={t.pull}>
            <InputNumber min={0} max={QA_LIMITS.eventQueueMax} style={{ width: "100%" }} />
          </Form.Item>
        </div>
        <Button type="primary" htmlType="submit" loading={submit.isPending}>
          {t.create}
        </Button>
      </Form>
    </Card>
  );
}
