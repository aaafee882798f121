import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Form,
  Input,
  List,
  Modal,
  Select,
  Skeleton,
  Space,
  Tag,
  Typography,
} from "antd";
import { PlusOutlined } from "@ant-design/icons";
import type { ManagedStreet } from "../../../../shared/org.ts";
import { api, ApiError } from "../../api.ts";
import { ORG_QUERY_KEY } from "../../org.ts";
import { roster } from "../../strings/roster.ts";
import { useDocumentTitle } from "../../documentTitle.ts";

const t = roster.org;
const MANAGED_KEY = ["org", "manage"] as const;

type Unit = { kind: "street" | "community"; id: string; name: string; streetId?: string };
type Dialog =
  | { type: "rename"; unit: Unit }
  | { type: "merge"; unit: Unit }
  | { type: "addStreet" }
  | { type: "addCommunity"; streetId: string }
  | null;

const pathOf = (unit: Unit) =>
  `/api/org/${unit.kind === "street" ? "streets" : "communities"}/${encodeURIComponent(unit.id)}`;

/** Organisers keep the district's streets and communities true to life. */
export default function OrgPage() {
  useDocumentTitle(roster.nav.org);
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm<{ name?: string; intoId?: string }>();

  const tree = useQuery({
    queryKey: MANAGED_KEY,
    queryFn: ({ signal }) => api<{ streets: ManagedStreet[] }>("/api/org/manage", { signal }).then((r) => r.streets),
  });

  const change = useMutation({
    mutationFn: ({ path, method, body }: { path: string; method: "POST" | "PATCH"; body: unknown }) =>
      api<{ moved?: number }>(path, { method, body }),
    onSuccess: (result) => {
      void message.success(result?.moved !== undefined ? t.merged(result.moved) : t.saved);
      setDialog(null);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ORG_QUERY_KEY });
    },
    onError: (err) => void message.error(err instanceof ApiError ? err.message : String(err)),
  });

  const submit = async () => {
    const values = await form.validateFields();
    if (!dialog) return;
    if (dialog.type === "rename")
      change.mutate({ path: pathOf(dialog.unit), method: "PATCH", body: { name: values.name } });
    if (dialog.type === "addStreet")
      change.mutate({ path: "/api/org/streets", method: "POST", body: { name: values.name } });
    if (dialog.type === "addCommunity")
      change.mutate({
        path: "/api/org/communities",
        method: "POST",
        body: { streetId: dialog.streetId, name: values.name },
      });
    if (dialog.type === "merge")
      change.mutate({ path: `${pathOf(dialog.unit)}/merge`, method: "POST", body: { intoId: values.intoId } });
  };
  const setRetired = (unit: Unit, retired: boolean) =>
    change.mutate({ path: pathOf(unit), method: "PATCH", body: { retired } });

  const streets = tree.data ?? [];
  const mergeTargets =
    dialog?.type === "merge"
      ? dialog.unit.kind === "street"
        ? streets.filter((s) => !s.retired && s.id !== dialog.unit.id).map((s) => ({ value: s.id, label: s.name }))
        : streets
            .filter((s) => !s.retired)
            .flatMap((s) =>
              s.communities
                .filter((c) => !c.retired && c.id !== dialog.unit.id)
                .map((c) => ({ value: c.id, label: `${s.name} · ${c.name}` })),
            )
      : [];

  const unitActions = (unit: Unit, retired: boolean) =>
    retired
      ? [
          <Button key="restore" size="small" type="link" onClick={() => setRetired(unit, false)}>
            {t.restore}
          </Button>,
        ]
      : [
          <Button
            key="rename"
            size="small"
            type="link"
            onClick={() => {
              form.setFieldsValue({ name: unit.name });
              setDialog({ type: "rename", unit });
            }}
          >
            {t.rename}
          </Button>,
          <Button key="merge" size="small" type="link" onClick={() => setDialog({ type: "merge", unit })}>
            {t.merge}
          </Button>,
          <Button key="retire" size="small" type="link" danger onClick={() => setRetired(unit, true)}>
            {t.retire}
          </Button>,
        ];

  return (
    <div className="page org-page">
      <Typography.Title level={2}>{t.title}</Typography.Title>
      <Typography.Paragraph type="secondary">{t.intro}</Typography.Paragraph>
      <Button icon={<PlusOutlined />} onClick={() => setDialog({ type: "addStreet" })} style={{ marginBottom: 16 }}>
        {t.addStreet}
      </Button>
      {tree.isLoading && <Skeleton active />}
      {tree.error && (
        <Alert
          type="error"
          showIcon
          message={tree.error instanceof ApiError ? tree.error.message : String(tree.error)}
        />
      )}
      <Space direction="vertical" style={{ width: "100%" }}>
        {streets.map((street) => {
          const unit: Unit = { kind: "street", id: street.id, name: street.name };
          return (
            <Card
              key={street.id}
              size="small"
              title={
                <span>
                  {street.name} {street.retired && <Tag>{t.retired}</Tag>}
                </span>
              }
              extra={<Space wrap>{unitActions(unit, street.retired)}</Space>}
            >
              <List
                size="small"
                dataSource={street.communities}
                renderItem={(c) => (
                  <List.Item
                    actions={unitActions({ kind: "community", id: c.id, name: c.name, streetId: street.id }, c.retired)}
                  >
                    <span className={c.retired ? "muted" : undefined}>
                      {c.name} <span className="muted">{t.people(c.people)}</span> {c.demo && <Tag>{t.demo}</Tag>}{" "}
                      {c.retired && <Tag>{t.retired}</Tag>}
                    </span>
                  </List.Item>
                )}
              />
              {!street.retired && (
                <Button
                  size="small"
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => setDialog({ type: "addCommunity", streetId: street.id })}
                >
                  {t.addCommunity}
                </Button>
              )}
            </Card>
          );
        })}
      </Space>

      <Modal
        open={dialog !== null}
        title={
          dialog?.type === "rename"
            ? `${t.rename}：${dialog.unit.name}`
            : dialog?.type === "merge"
              ? `${t.mergeInto}…：${dialog.unit.name}`
              : dialog?.type === "addStreet"
                ? t.addStreet
                : t.addCommunity
        }
        okText={t.ok}
        cancelText={t.cancel}
        confirmLoading={change.isPending}
        onOk={() => void submit()}
        onCancel={() => {
          setDialog(null);
          form.resetFields();
        }}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          {dialog?.type === "merge" ? (
            <>
              <Form.Item name="intoId" label={t.mergeInto} rules={[{ required: true, message: t.nameRequired }]}>
                <Select showSearch={{ optionFilterProp: "label" }} options={mergeTargets} />
              </Form.Item>
              <Form.Item noStyle shouldUpdate>
                {() => {
                  const into = mergeTargets.find((o) => o.value === form.getFieldValue("intoId"));
                  return into ? (
                    <Alert type="warning" showIcon message={t.mergeConfirm(dialog.unit.name, into.label)} />
                  ) : null;
                }}
              </Form.Item>
            </>
          ) : (
            <Form.Item
              name="name"
              label={
                dialog?.type === "addStreet" || (dialog?.type === "rename" && dialog.unit.kind === "street")
                  ? t.streetName
                  : t.communityName
              }
              rules={[{ required: true, whitespace: true, message: t.nameRequired }]}
            >
              <Input maxLength={40} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}
