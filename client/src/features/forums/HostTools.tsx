import { useState } from "react";
import { useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Radio,
  Tag,
} from "antd";
import { DeleteOutlined, EditOutlined, EyeOutlined, PercentageOutlined } from "@ant-design/icons";
import dayjs, { type Dayjs } from "dayjs";
import type { Forum, ForumMode, ForumModeration, ModeratedQuestion, ScoreGroupDef } from "../../../../shared/forums.ts";
import { ROLE_LABELS } from "../../../../shared/vocabulary.ts";
import { api } from "../../api.ts";
import { forums as t } from "../../strings/forums.ts";
import { errorText, useAction } from "../../useAction.ts";
import { forumsKey } from "./ForumListPage.tsx";

type ForumValues = { title: string; theme?: string | null; mode: ForumMode; startsAt: Dayjs };

/** Before the start: the forum's title, theme, form and time. */
export function EditForumButton({ forum }: { forum: Forum }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<ForumValues>();
  const save = useAction({
    mutationFn: (v: ForumValues) =>
      api(`/api/forums/${forum.id}`, {
        method: "PATCH",
        body: { title: v.title, theme: v.theme?.trim() || null, mode: v.mode, startsAt: v.startsAt.toISOString() },
      }),
    onSuccess: () => {
      message.success(t.hostTools.saved);
      setOpen(false);
    },
  });
  return (
    <>
      <Button icon={<EditOutlined />} onClick={() => setOpen(true)} data-testid="edit-forum">
        {t.hostTools.editForum}
      </Button>
      <Modal
        open={open}
        title={t.hostTools.editForum}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        destroyOnHidden
        okText={t.hostTools.save}
        cancelText={t.hostTools.cancel}
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => save.mutate(v)}
          initialValues={{ title: forum.title, theme: forum.theme, mode: forum.mode, startsAt: dayjs(forum.startsAt) }}
        >
          <Form.Item
            name="title"
            label={t.form.title}
            rules={[{ required: true, whitespace: true, message: t.form.titleRequired }]}
          >
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="theme" label={t.form.theme}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
          <Form.Item name="mode" label={t.form.mode}>
            <Radio.Group
              optionType="button"
              options={(["forum", "examination"] as const).map((m) => ({ value: m, label: t.mode[m] }))}
            />
          </Form.Item>
          <Form.Item
            name="startsAt"
            label={t.form.startsAt}
            rules={[{ required: true, message: t.form.startsAtRequired }]}
          >
            <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Before the start: withdraw the forum (its talks, decks and notes go with it). */
export function DeleteForumButton({ forum }: { forum: Forum }) {
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const confirm = () =>
    modal.confirm({
      title: t.hostTools.deleteForum,
      content: t.hostTools.deleteForumConfirm,
      okText: t.hostTools.deleteForum,
      okButtonProps: { danger: true },
      cancelText: t.hostTools.cancel,
      onOk: async () => {
        try {
          await api(`/api/forums/${forum.id}`, { method: "DELETE" });
          message.success(t.hostTools.deleted);
          void queryClient.invalidateQueries({ queryKey: forumsKey });
          navigate("/forums");
        } catch (err) {
          message.error(errorText(err));
        }
      },
    });
  return (
    <Button danger icon={<DeleteOutlined />} onClick={confirm}>
      {t.hostTools.deleteForum}
    </Button>
  );
}

/** 群众考书记: the scoring groups' names and weights (shares shown as percentages), and whether 同行书记 score. */
export function WeightsButton({ forum }: { forum: Forum }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [groups, setGroups] = useState<ScoreGroupDef[]>(forum.groups);
  const [peerScoring, setPeerScoring] = useState(forum.peerScoring);
  const sum = groups.reduce((s, g) => s + g.weight, 0);
  const setGroup = (id: string, change: Partial<ScoreGroupDef>) =>
    setGroups((gs) => gs.map((g) => (g.id === id ? { ...g, ...change } : g)));
  const save = useAction({
    mutationFn: () => api(`/api/forums/${forum.id}/groups`, { method: "PUT", body: { groups, peerScoring } }),
    onSuccess: () => {
      message.success(t.hostTools.saved);
      setOpen(false);
    },
  });
  return (
    <>
      <Button
        icon={<PercentageOutlined />}
        onClick={() => {
          setGroups(forum.groups);
          setPeerScoring(forum.peerScoring);
          setOpen(true);
        }}
        data-testid="weights-button"
      >
        {t.hostTools.weights}
      </Button>
      <Modal
        open={open}
        title={t.hostTools.weights}
        onCancel={() => setOpen(false)}
        onOk={() => save.mutate()}
        okButtonProps={{ disabled: sum <= 0 }}
        confirmLoading={save.isPending}
        okText={t.hostTools.save}
        cancelText={t.hostTools.cancel}
      >
        <p className="muted small">{t.hostTools.weightsHint}</p>
        <div className="weights-grid" data-testid="weights-form">
          {groups.map((g) => (
            // biome-ignore lint/a11y/noLabelWithoutControl: the antd inputs inside are the label's controls
            <label key={g.id} className="weights-row">
              <Input
                value={g.name}
                maxLength={20}
                aria-label={t.hostTools.groupName}
                onChange={(e) => setGroup(g.id, { name: e.target.value })}
                style={{ width: 130 }}
              />
              <InputNumber
                min={0}
                max={100}
                step={0.5}
                value={g.weight}
                aria-label={g.name}
                onChange={(v) => setGroup(g.id, { weight: v ?? 0 })}
              />
              <span className="muted">{t.hostTools.weightShare(sum > 0 ? Math.round((g.weight / sum) * 100) : 0)}</span>
            </label>
          ))}
        </div>
        <Checkbox checked={peerScoring} onChange={(e) => setPeerScoring(e.target.checked)}>
          {t.hostTools.peerScoring}
        </Checkbox>
        {sum <= 0 && <p className="weights-error">{t.hostTools.weightsAllZero}</p>}
      </Modal>
    </>
  );
}

/**
 * 审核 / 实名: the only screen that names anonymous askers, for the forum's hosts and organisers.
 * The list is fetched when the dialog opens and never kept: each opening is one audited read.
 */
export function ModerationButton({ forum }: { forum: Forum }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<{ loading: boolean; questions: ModeratedQuestion[]; error: string | null }>({
    loading: false,
    questions: [],
    error: null,
  });
  const load = async () => {
    setState({ loading: true, questions: [], error: null });
    try {
      const { questions } = await api<ForumModeration>(`/api/forums/${forum.id}/moderation`);
      setState({ loading: false, questions, error: null });
    } catch (err) {
      setState({ loading: false, questions: [], error: errorText(err) });
    }
  };
  const close = () => {
    setOpen(false);
    setState({ loading: false, questions: [], error: null });
  };
  const m = t.moderation;
  return (
    <>
      <Button
        icon={<EyeOutlined />}
        onClick={() => {
          setOpen(true);
          void load();
        }}
        data-testid="moderation-button"
      >
        {m.button}
      </Button>
      <Modal
        open={open}
        title={m.title}
        onCancel={close}
        footer={
          <Button onClick={() => void load()} loading={state.loading}>
            {m.refresh}
          </Button>
        }
        width={720}
        destroyOnHidden
      >
        <Alert type="warning" showIcon title={m.notice} className="stack-gap" />
        {state.error ? (
          <Alert type="error" showIcon title={`${m.loadFailed}：${state.error}`} />
        ) : !state.loading && state.questions.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={m.empty} />
        ) : (
          <List
            loading={state.loading}
            size="small"
            data-testid="moderation-list"
            dataSource={state.questions}
            renderItem={(q) => (
              <List.Item>
                <List.Item.Meta
                  title={q.text}
                  description={
                    <>
                      <strong>{q.author.displayName}</strong>（{ROLE_LABELS[q.author.role]}）
                      {q.anonymous && (
                        <Tag className="tag-inline" color="purple">
                          {m.anonymousTag}
                        </Tag>
                      )}
                      <Tag className="tag-inline">{t.questions.status[q.status]}</Tag>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Modal>
    </>
  );
}
