import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { App, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Tooltip } from "antd";
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from "@ant-design/icons";
import { CAPABILITIES, CAPABILITY_LABELS, ROLE_LABELS, type Role } from "../../../../shared/vocabulary.ts";
import { type CreateTalk, type Forum, isTalkEditable, type Talk } from "../../../../shared/forums.ts";
import { api, ApiError } from "../../api.ts";
import { emitWithAck } from "../../socket.ts";
import { forums as t } from "../../strings/forums.ts";
import { useAction } from "../../useAction.ts";
import { DeckUpload } from "./PresenterTools.tsx";
import { nameWithRole } from "../../roles.ts";
import { AgendaPlainList } from "./AgendaPlain.tsx";

type TalkValues = CreateTalk & { capability?: CreateTalk["capability"] | null; plannedMinutes?: number | null };

/** Add or edit one talk; the server re-checks that the talk may still change. */
function TalkFormModal({
  forumId,
  talk,
  open,
  onClose,
}: {
  forumId: string;
  talk?: Talk;
  open: boolean;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<TalkValues>();
  const people = useQuery({
    queryKey: ["forums", "presenters"],
    queryFn: () => api<{ users: { id: string; displayName: string; role: Role }[] }>("/api/forums/presenters"),
    enabled: open,
  });
  const submit = useAction({
    mutationFn: (values: TalkValues) =>
      talk
        ? api(`/api/forums/${forumId}/talks/${talk.id}`, {
            method: "PATCH",
            body: { ...values, capability: values.capability ?? null, plannedMinutes: values.plannedMinutes ?? null },
          })
        : api(`/api/forums/${forumId}/talks`, {
            body: {
              ...values,
              capability: values.capability ?? undefined,
              plannedMinutes: values.plannedMinutes ?? undefined,
            },
          }),
    onSuccess: () => {
      if (talk) message.success(t.hostTools.saved);
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal
      open={open}
      title={talk ? t.hostTools.editTalk : t.form.addTalk}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={submit.isPending}
      destroyOnHidden
      okText={t.hostTools.save}
      cancelText={t.hostTools.cancel}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => submit.mutate(v)}
        initialValues={
          talk
            ? {
                title: talk.title,
                presenterId: talk.presenterId,
                capability: talk.capability,
                plannedMinutes: talk.plannedMinutes,
              }
            : undefined
        }
      >
        <Form.Item
          name="title"
          label={t.form.talkTitle}
          rules={[{ required: true, whitespace: true, message: t.form.titleRequired }]}
        >
          <Input maxLength={120} />
        </Form.Item>
        <Form.Item
          name="presenterId"
          label={t.form.presenter}
          rules={[{ required: true, message: t.form.presenterRequired }]}
        >
          <Select
            showSearch={{ optionFilterProp: "label" }}
            loading={people.isLoading}
            options={[
              ...(people.data?.users ?? []).map((u) => ({
                value: u.id,
                label: nameWithRole(u.displayName, ROLE_LABELS[u.role]),
              })),
              // the current presenter stays selectable even if no longer in the list
              ...(talk && !people.data?.users.some((u) => u.id === talk.presenterId)
                ? [{ value: talk.presenterId, label: talk.presenterName }]
                : []),
            ]}
          />
        </Form.Item>
        <Space wrap>
          <Form.Item name="capability" label={t.form.capability}>
            <Select
              allowClear
              style={{ minWidth: 160 }}
              options={CAPABILITIES.map((c) => ({ value: c, label: CAPABILITY_LABELS[c] }))}
            />
          </Form.Item>
          <Form.Item name="plannedMinutes" label={t.form.minutes}>
            <InputNumber min={1} max={240} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

/** The host adds a talk to the agenda; everyone in the room sees it through `forum:state`. */
export function AddTalkButton({ forumId }: { forumId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        {t.form.addTalk}
      </Button>
      <TalkFormModal forumId={forumId} open={open} onClose={() => setOpen(false)} />
    </>
  );
}

/**
 * The agenda with the host's tools: before the start every talk can be edited, deleted and moved;
 * once live only talks not yet given can be edited (the same rule the server applies).
 */
export function AgendaList({ forum, isHost, meId }: { forum: Forum; isHost: boolean; meId: string }) {
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Talk | null>(null);
  const before = forum.status === "scheduled";
  const fail = (err: unknown) => message.error(err instanceof ApiError ? err.message : String(err));
  const move = (index: number, delta: number) => {
    const ids = forum.talks.map((x) => x.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + delta, 0, moved!);
    api(`/api/forums/${forum.id}/talks/order`, { method: "PUT", body: { talkIds: ids } }).catch(fail);
  };
  const remove = (talk: Talk) => api(`/api/forums/${forum.id}/talks/${talk.id}`, { method: "DELETE" }).catch(fail);
  const switchTo = (talk: Talk) =>
    void emitWithAck("forum:control", {
      forumId: forum.id,
      action: "next",
      talkId: talk.id,
      // the talk this host sees on stage, so a second host's simultaneous press is refused
      expectedIndex: forum.talks.findIndex((y) => y.id === forum.currentTalkId),
    }).then((ack) => !ack.ok && message.error(ack.error.message));

  return (
    <>
      <AgendaPlainList
        forum={forum}
        tools={(x, index) => {
          const editable = isHost && isTalkEditable(forum, x);
          return (
            <span className="agenda-tools">
              {x.id !== forum.currentTalkId && (isHost || x.presenterId === meId) && forum.status !== "ended" && (
                <DeckUpload forumId={forum.id} talk={x} />
              )}
              {isHost && forum.status === "live" && x.id !== forum.currentTalkId && (
                <Button size="small" type="link" onClick={switchTo.bind(null, x)}>
                  {t.room.switchTo}
                </Button>
              )}
              {editable && (
                <Tooltip title={t.hostTools.editTalk}>
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    aria-label={`${t.hostTools.editTalk}：${x.title}`}
                    onClick={() => setEditing(x)}
                  />
                </Tooltip>
              )}
              {isHost && before && (
                <>
                  <Button
                    size="small"
                    icon={<ArrowUpOutlined />}
                    aria-label={`${t.hostTools.moveUp}：${x.title}`}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                  />
                  <Button
                    size="small"
                    icon={<ArrowDownOutlined />}
                    aria-label={`${t.hostTools.moveDown}：${x.title}`}
                    disabled={index === forum.talks.length - 1}
                    onClick={() => move(index, 1)}
                  />
                  <Popconfirm
                    title={t.hostTools.deleteTalkConfirm}
                    onConfirm={() => remove(x)}
                    okText={t.hostTools.deleteTalk}
                    cancelText={t.hostTools.cancel}
                  >
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={`${t.hostTools.deleteTalk}：${x.title}`}
                    />
                  </Popconfirm>
                </>
              )}
            </span>
          );
        }}
      />
      {isHost && forum.status === "live" && <p className="muted small">{t.hostTools.lockedAfterStart}</p>}
      {isHost && forum.status !== "ended" && <AddTalkButton forumId={forum.id} />}
      <TalkFormModal
        key={editing?.id ?? "none"}
        forumId={forum.id}
        talk={editing ?? undefined}
        open={editing !== null}
        onClose={() => setEditing(null)}
      />
    </>
  );
}
