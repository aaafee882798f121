import { useNavigate } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App as AntApp, Button, Card, DatePicker, Form, Input, Radio, Select } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import type { User } from "../../../../shared/auth.ts";
import { LIMITS } from "../../../../shared/limits.ts";
import {
  BANGDAI_RESERVES_MAX,
  STUDIO_MENTEES_MAX,
  STUDIO_MENTEES_MIN,
  STUDIO_TERM_YEARS,
  type Studio,
} from "../../../../shared/studios.ts";
import { STUDIO_KIND_LABELS, STUDIO_KINDS, type StudioKind } from "../../../../shared/vocabulary.ts";
import { api } from "../../api.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { STUDIOS_KEY } from "./useStudios.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";
import { useAction } from "../../useAction.ts";

interface Values {
  kind: StudioKind;
  name: string;
  mentorId: string;
  menteeIds: string[];
  term: [Dayjs, Dayjs];
}

/**
 * Organisers: a 导师工作室 (one 社区导师, secretaries included, with 2–3 书记; two years by default)
 * or a 老书记帮带 (one 老书记 with 书记后备人选; one year by default).
 */
export function CreateStudioPage() {
  useDocumentTitle(shell.titles.studioNew);
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch("kind", form) ?? "mentor";
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const users = useQuery({
    queryKey: ["users"],
    queryFn: async () => (await api<{ users: User[] }>("/api/users")).users,
  });
  const option = (u: User) => ({ value: u.id, label: `${u.displayName}（${u.username}）` });
  const active = (users.data ?? []).filter((u) => !u.disabled);
  const leads = active.filter((u) => u.roles.includes(kind === "bangdai" ? "veteran" : "mentor")).map(option);
  const taught = active
    .filter((u) => (kind === "bangdai" ? u.flags.includes("reserve") : u.roles.includes("secretary")))
    .map(option);
  const [minTaught, maxTaught] =
    kind === "bangdai" ? [1, BANGDAI_RESERVES_MAX] : [STUDIO_MENTEES_MIN, STUDIO_MENTEES_MAX];
  const onKind = (next: StudioKind) => {
    // the people chosen were for the other kind; the term takes the new kind's default length
    const start = form.getFieldValue("term")?.[0] ?? dayjs();
    form.setFieldsValue({
      mentorId: undefined,
      menteeIds: [],
      term: [start, start.add(STUDIO_TERM_YEARS[next], "year")],
    });
  };

  const create = useAction({
    mutationFn: (v: Values) =>
      api<{ studio: Studio }>("/api/studios", {
        method: "POST",
        body: {
          kind: v.kind,
          name: v.name.trim(),
          mentorId: v.mentorId,
          menteeIds: v.menteeIds,
          termStartsAt: v.term[0].startOf("day").toISOString(),
          termEndsAt: v.term[1].endOf("day").toISOString(),
        },
      }),
    onSuccess: ({ studio }) => {
      void queryClient.invalidateQueries({ queryKey: STUDIOS_KEY });
      void message.success(t.created);
      navigate(`/studios`, { replace: true, state: { created: studio.id } });
    },
    // no toast: the server's reason stays above the button (below) until the next try
    onError: () => {},
  });

  return (
    <div className="page page-narrow">
      <Card title={t.create}>
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={(v) => create.mutate(v)}
          initialValues={{ kind: "mentor", term: [dayjs(), dayjs().add(STUDIO_TERM_YEARS.mentor, "year")] }}
          disabled={users.isLoading}
        >
          <Form.Item name="kind" label={t.kindField} extra={kind === "bangdai" ? t.kindBangdaiHelp : t.kindMentorHelp}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              onChange={(e) => onKind(e.target.value as StudioKind)}
              options={STUDIO_KINDS.map((k) => ({ value: k, label: STUDIO_KIND_LABELS[k] }))}
            />
          </Form.Item>
          <Form.Item name="name" label={t.name} rules={[{ required: true, whitespace: true, message: t.nameRequired }]}>
            <Input maxLength={LIMITS.titleMax} />
          </Form.Item>
          <Form.Item
            name="mentorId"
            label={kind === "bangdai" ? t.veteranField : t.mentorField}
            rules={[{ required: true, message: kind === "bangdai" ? t.veteranRequired : t.mentorRequired }]}
          >
            <Select showSearch optionFilterProp="label" options={leads} loading={users.isLoading} />
          </Form.Item>
          <Form.Item
            name="menteeIds"
            label={kind === "bangdai" ? t.reservesField : t.menteesField}
            rules={[
              {
                validator: (_, value: string[] | undefined) =>
                  value && value.length >= minTaught && value.length <= maxTaught
                    ? Promise.resolve()
                    : Promise.reject(new Error(kind === "bangdai" ? t.reservesRule : t.menteesRule)),
              },
            ]}
          >
            <Select mode="multiple" showSearch optionFilterProp="label" options={taught} maxCount={maxTaught} />
          </Form.Item>
          <Form.Item
            name="term"
            label={t.termField}
            extra={kind === "bangdai" ? t.termHelpBangdai : t.termHelp}
            rules={[{ required: true }]}
          >
            <DatePicker.RangePicker style={{ width: "100%" }} allowClear={false} inputReadOnly />
          </Form.Item>
          {create.error && <Alert type="error" showIcon title={create.error.message} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" loading={create.isPending} block>
            {t.create}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
