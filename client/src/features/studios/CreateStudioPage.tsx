import { useState } from "react";
import { useNavigate } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App as AntApp, Button, Card, DatePicker, Form, Input, Select } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import type { User } from "../../../../shared/auth.ts";
import { LIMITS } from "../../../../shared/limits.ts";
import { STUDIO_MENTEES_MAX, STUDIO_MENTEES_MIN, type Studio } from "../../../../shared/studios.ts";
import { api } from "../../api.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { STUDIOS_KEY } from "./useStudios.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

interface Values {
  name: string;
  mentorId: string;
  menteeIds: string[];
  term: [Dayjs, Dayjs];
}

/** Admin: a studio of one 社区导师 and 2–3 书记, with a term (two years by default). */
export function CreateStudioPage() {
  useDocumentTitle(shell.titles.studioNew);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const users = useQuery({ queryKey: ["users"], queryFn: async () => (await api<{ users: User[] }>("/api/users")).users });
  const option = (u: User) => ({ value: u.id, label: `${u.displayName}（${u.username}）` });
  const mentors = (users.data ?? []).filter((u) => u.roles.includes("mentor") && !u.disabled).map(option);
  const secretaries = (users.data ?? []).filter((u) => u.roles.includes("secretary") && !u.disabled).map(option);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const { studio } = await api<{ studio: Studio }>("/api/studios", {
        method: "POST",
        body: {
          name: v.name.trim(),
          mentorId: v.mentorId,
          menteeIds: v.menteeIds,
          termStartsAt: v.term[0].startOf("day").toISOString(),
          termEndsAt: v.term[1].endOf("day").toISOString(),
        },
      });
      void queryClient.invalidateQueries({ queryKey: STUDIOS_KEY });
      void message.success(t.created);
      navigate(`/studios`, { replace: true, state: { created: studio.id } });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page page-narrow">
      <Card title={t.createTitle}>
        <Form<Values>
          layout="vertical"
          onFinish={submit}
          initialValues={{ term: [dayjs(), dayjs().add(2, "year")] }}
          disabled={users.isLoading}
        >
          <Form.Item name="name" label={t.name} rules={[{ required: true, whitespace: true, message: t.nameRequired }]}>
            <Input maxLength={LIMITS.titleMax} />
          </Form.Item>
          <Form.Item name="mentorId" label={t.mentorField} rules={[{ required: true, message: t.mentorRequired }]}>
            <Select showSearch optionFilterProp="label" options={mentors} loading={users.isLoading} />
          </Form.Item>
          <Form.Item
            name="menteeIds"
            label={t.menteesField}
            rules={[
              {
                validator: (_, value: string[] | undefined) =>
                  value && value.length >= STUDIO_MENTEES_MIN && value.length <= STUDIO_MENTEES_MAX
                    ? Promise.resolve()
                    : Promise.reject(new Error(t.menteesRule)),
              },
            ]}
          >
            <Select mode="multiple" showSearch optionFilterProp="label" options={secretaries} maxCount={STUDIO_MENTEES_MAX} />
          </Form.Item>
          <Form.Item name="term" label={t.termField} extra={t.termHelp} rules={[{ required: true }]}>
            <DatePicker.RangePicker style={{ width: "100%" }} allowClear={false} inputReadOnly />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t.create}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
