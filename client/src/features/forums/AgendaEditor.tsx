import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { App, Button, Form, Input, InputNumber, Modal, Select, Space } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { CAPABILITIES, CAPABILITY_LABELS, ROLE_LABELS, type Role } from "../../../../shared/vocabulary.ts";
import type { CreateTalk } from "../../../../shared/forums.ts";
import { api, ApiError } from "../../api.ts";
import { forums as t } from "../../strings/forums.ts";

/** The host adds a talk to the agenda; everyone in the room sees it through `forum:state`. */
export function AddTalkButton({ forumId }: { forumId: string }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<CreateTalk>();
  const people = useQuery({
    queryKey: ["forums", "presenters"],
    queryFn: () => api<{ users: { id: string; displayName: string; role: Role }[] }>("/api/forums/presenters"),
    enabled: open,
  });
  const submit = async (values: CreateTalk) => {
    setBusy(true);
    try {
      await api(`/api/forums/${forumId}/talks`, { body: { ...values, plannedMinutes: values.plannedMinutes ?? undefined } });
      form.resetFields();
      setOpen(false);
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="small" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        {t.form.addTalk}
      </Button>
      <Modal open={open} title={t.form.addTalk} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item name="title" label={t.form.talkTitle} rules={[{ required: true, whitespace: true, message: t.form.titleRequired }]}>
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="presenterId" label={t.form.presenter} rules={[{ required: true, message: t.form.presenterRequired }]}>
            <Select
              showSearch={{ optionFilterProp: "label" }}
              loading={people.isLoading}
              options={(people.data?.users ?? []).map((u) => ({ value: u.id, label: `${u.displayName}（${ROLE_LABELS[u.role]}）` }))}
            />
          </Form.Item>
          <Space wrap>
            <Form.Item name="capability" label={t.form.capability}>
              <Select allowClear style={{ minWidth: 160 }} options={CAPABILITIES.map((c) => ({ value: c, label: CAPABILITY_LABELS[c] }))} />
            </Form.Item>
            <Form.Item name="plannedMinutes" label={t.form.minutes}>
              <InputNumber min={1} max={240} />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </>
  );
}
