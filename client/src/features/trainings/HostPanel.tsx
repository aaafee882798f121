import { useState } from "react";
import { App as AntApp, Button, Card, Empty, Form, Input, List, Popconfirm, Select, Space, Tag } from "antd";
import type { ActivityKind } from "../../../../shared/trainings.ts";
import { api, ApiError } from "../../api.ts";
import { tr } from "../../strings/trainings.ts";
import { CheckinQr, useCheckinBoard } from "./CheckinQr.tsx";
import { formatTime, trainingsApi } from "./queries.ts";
import { errorText, useAction } from "../../useAction.ts";

const t = tr.checkin;

/** The host's check-in screen: QR, who is in (live), and attendance changed by hand with a reason. */
export function HostPanel({ kind, activityId }: { kind: ActivityKind; activityId: string }) {
  const { board, error } = useCheckinBoard(kind, activityId);
  const { message } = AntApp.useApp();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [form] = Form.useForm<{ userId: string; reason: string }>();

  const search = async (q: string) => {
    if (!q.trim()) return setOptions([]);
    try {
      const res = await api<{ users: { id: string; displayName: string }[] }>(
        `/api/checkins/${kind}/${activityId}/candidates?q=${encodeURIComponent(q.trim())}`,
      );
      setOptions(res.users.map((u) => ({ value: u.id, label: u.displayName })));
    } catch {
      setOptions([]);
    }
  };
  const add = useAction({
    mutationFn: ({ userId, reason }: { userId: string; reason: string }) =>
      trainingsApi.addAttendee(kind, activityId, userId, reason),
    onSuccess: () => form.resetFields(),
    onError: (err) => void message.error(errorText(err, tr.loadFailed)),
  });
  const [removeReason, setRemoveReason] = useState("");
  const remove = async (userId: string) => {
    if (!removeReason.trim()) return;
    try {
      await trainingsApi.removeAttendee(kind, activityId, userId, removeReason.trim());
      setRemoveReason("");
    } catch (err) {
      void message.error(err instanceof ApiError ? err.message : tr.loadFailed);
    }
  };

  if (error) return <Card title={t.panel}>{error}</Card>;
  if (!board) return <Card title={t.panel} loading />;
  return (
    <Card title={t.panel} extra={<Tag color="green">{t.live}</Tag>} className="stack-gap">
      <div className="checkin-host">
        <CheckinQr board={board} />
        <div className="checkin-list">
          <h3>{t.present(board.checkins.length)}</h3>
          {board.checkins.length === 0 ? (
            <Empty description={t.nobody} image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ) : (
            <List
              size="small"
              dataSource={board.checkins}
              aria-label={t.present(board.checkins.length)}
              renderItem={(c) => (
                <List.Item
                  actions={[
                    <Popconfirm
                      key="rm"
                      title={`${t.manualRemove} ${c.displayName}？`}
                      description={
                        <Input
                          aria-label={t.reason}
                          placeholder={t.reasonRequired}
                          maxLength={200}
                          value={removeReason}
                          onChange={(e) => setRemoveReason(e.target.value)}
                        />
                      }
                      okButtonProps={{ disabled: !removeReason.trim() }}
                      onConfirm={() => remove(c.userId)}
                      onOpenChange={(open) => open && setRemoveReason("")}
                    >
                      <Button size="small" type="link" danger>
                        {t.manualRemove}
                      </Button>
                    </Popconfirm>,
                  ]}
                >
                  <Space>
                    <span>{c.displayName}</span>
                    <Tag>{c.source === "code" ? t.sourceCode : t.sourceManual}</Tag>
                    <span className="muted">{formatTime(c.at)}</span>
                  </Space>
                </List.Item>
              )}
            />
          )}
          <h3>{t.manual}</h3>
          <Form form={form} layout="vertical" onFinish={(v) => add.mutate(v)} disabled={add.isPending}>
            <Form.Item name="userId" label={t.person} rules={[{ required: true, message: t.personPlaceholder }]}>
              <Select
                showSearch
                filterOption={false}
                onSearch={search}
                options={options}
                placeholder={t.personPlaceholder}
                aria-label={t.person}
              />
            </Form.Item>
            <Form.Item
              name="reason"
              label={t.reason}
              rules={[{ required: true, whitespace: true, message: t.reasonRequired }]}
            >
              <Input maxLength={200} />
            </Form.Item>
            <Button htmlType="submit" loading={add.isPending}>
              {t.manualAdd}
            </Button>
          </Form>
        </div>
      </div>
    </Card>
  );
}
