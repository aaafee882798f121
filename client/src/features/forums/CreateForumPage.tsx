import { useNavigate } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Radio, Select, Space } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import dayjs, { type Dayjs } from "dayjs";
import {
  CAPABILITIES,
  CAPABILITY_LABELS,
  ROLE_LABELS,
  type Capability,
  type Role,
} from "../../../../shared/vocabulary.ts";
import { type CreateForum, DEFAULT_GROUPS, type Forum, type ForumMode, PEER_GROUP } from "../../../../shared/forums.ts";
import { api, ApiError } from "../../api.ts";
import { forums as t } from "../../strings/forums.ts";
import { forumsKey } from "./ForumListPage.tsx";
import { nameWithRole } from "../../roles.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

type Values = {
  title: string;
  theme?: string;
  mode: ForumMode;
  startsAt: Dayjs;
  peerScoring: boolean;
  talks: { title: string; presenterId: string; capability?: Capability; plannedMinutes?: number }[];
};

export function CreateForumPage() {
  useDocumentTitle(shell.titles.forumNew);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const mode = Form.useWatch("mode", form);
  const people = useQuery({
    queryKey: ["forums", "presenters"],
    queryFn: () => api<{ users: { id: string; displayName: string; role: Role }[] }>("/api/forums/presenters"),
  });
  const create = useMutation({
    mutationFn: (body: CreateForum) => api<{ forum: Forum }>("/api/forums", { body }),
    onSuccess: ({ forum }) => {
      void queryClient.invalidateQueries({ queryKey: forumsKey });
      message.success(t.form.created);
      navigate(`../${forum.id}`);
    },
    onError: (err) => message.error(err instanceof ApiError ? err.message : String(err)),
  });

  const submit = (v: Values) =>
    create.mutate({
      title: v.title,
      theme: v.theme,
      mode: v.mode,
      startsAt: v.startsAt.toISOString(),
      peerScoring: v.mode === "examination" ? v.peerScoring : undefined,
      talks: v.talks.map((talk) => ({ ...talk, plannedMinutes: talk.plannedMinutes ?? undefined })),
    });

  return (
    <div className="page page-narrow">
      <h1 className="page-title">{t.create}</h1>
      <Card>
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{
            mode: "forum",
            startsAt: dayjs().add(1, "day").hour(14).minute(30).second(0),
            peerScoring: false,
            talks: [{}],
          }}
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
          {mode === "examination" && (
            <Form.Item
              label={t.form.weights}
              extra={t.form.groupsHint(
                DEFAULT_GROUPS.filter((g) => g.id !== PEER_GROUP)
                  .map((g) => g.name)
                  .join("、"),
              )}
            >
              <Form.Item name="peerScoring" valuePropName="checked" noStyle>
                <Checkbox>{t.hostTools.peerScoring}</Checkbox>
              </Form.Item>
            </Form.Item>
          )}
          <h2 className="card-heading">{t.form.talks}</h2>
          <Form.List
            name="talks"
            rules={[
              {
                validator: async (_, talks) => {
                  if (!talks?.length) throw new Error(t.form.noTalks);
                },
              },
            ]}
          >
            {(fields, { add, remove }, { errors }) => (
              <>
                {fields.map(({ key, name }, index) => (
                  <Card
                    key={key}
                    size="small"
                    className="talk-form-card"
                    title={`${index + 1}.`}
                    extra={
                      <Button
                        type="text"
                        icon={<MinusCircleOutlined />}
                        aria-label={t.form.remove}
                        onClick={() => remove(name)}
                      />
                    }
                  >
                    <Form.Item
                      name={[name, "title"]}
                      label={t.form.talkTitle}
                      rules={[{ required: true, whitespace: true, message: t.form.titleRequired }]}
                    >
                      <Input maxLength={120} />
                    </Form.Item>
                    <Form.Item
                      name={[name, "presenterId"]}
                      label={t.form.presenter}
                      rules={[{ required: true, message: t.form.presenterRequired }]}
                    >
                      <Select
                        showSearch={{ optionFilterProp: "label" }}
                        loading={people.isLoading}
                        options={(people.data?.users ?? []).map((u) => ({
                          value: u.id,
                          label: nameWithRole(u.displayName, ROLE_LABELS[u.role]),
                        }))}
                      />
                    </Form.Item>
                    <Space wrap>
                      <Form.Item name={[name, "capability"]} label={t.form.capability}>
                        <Select
                          allowClear
                          style={{ minWidth: 160 }}
                          options={CAPABILITIES.map((c) => ({ value: c, label: CAPABILITY_LABELS[c] }))}
                        />
                      </Form.Item>
                      <Form.Item name={[name, "plannedMinutes"]} label={t.form.minutes}>
                        <InputNumber min={1} max={240} />
                      </Form.Item>
                    </Space>
                  </Card>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block>
                  {t.form.addTalk}
                </Button>
                <Form.ErrorList errors={errors} />
              </>
            )}
          </Form.List>
          <Button type="primary" htmlType="submit" loading={create.isPending} className="forum-submit" block>
            {t.form.submit}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
