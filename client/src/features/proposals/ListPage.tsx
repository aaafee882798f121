import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
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
import dayjs from "dayjs";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { LIMITS } from "../../../../shared/limits.ts";
import {
  PROPOSAL_STATUS_LABELS,
  PROPOSAL_STATUSES,
  type ProposalDetail,
  type ProposalStatus,
} from "../../../../shared/proposals.ts";
import { api, type ApiError } from "../../api.ts";
import { useCurrentUser } from "../../auth.tsx";
import { CommunitySelect } from "../../components/CommunitySelect.tsx";
import { t } from "../../strings/proposals.ts";
import { useProposals } from "./queries.ts";
import { StatusTag } from "./StatusTag.tsx";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

export function ListPage() {
  useDocumentTitle(shell.areas.proposals.title);
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const communityId = params.get("community") ?? undefined;
  const status = (params.get("status") as ProposalStatus | null) ?? undefined;
  const list = useProposals({ communityId, status });
  const [creating, setCreating] = useState(false);
  const canCreate = me.role === "admin" || (me.role === "secretary" && !!me.communityId);

  const setFilter = (key: string, value: string | null | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="proposals-page">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t.title}
          </Typography.Title>
          <Typography.Text type="secondary">{t.intro}</Typography.Text>
        </div>
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t.create}
          </Button>
        )}
      </Flex>
      <Space wrap style={{ marginBottom: 12 }}>
        <CommunitySelect
          aria-label={t.filterCommunity}
          placeholder={t.filterCommunity}
          value={communityId ?? null}
          onChange={(v) => setFilter("community", v)}
          style={{ minWidth: 200 }}
        />
        <Select<ProposalStatus | "">
          aria-label={t.filterStatus}
          value={status ?? ""}
          onChange={(v) => setFilter("status", v || null)}
          style={{ minWidth: 140 }}
          options={[
            { value: "", label: t.allStatuses },
            ...PROPOSAL_STATUSES.map((s) => ({ value: s, label: PROPOSAL_STATUS_LABELS[s] })),
          ]}
        />
      </Space>
      {list.isLoading ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : list.isError ? (
        <Alert
          type="error"
          showIcon
          message={t.loadFailed}
          description={(list.error as Error).message}
          action={<Button onClick={() => list.refetch()}>{t.retry}</Button>}
        />
      ) : list.data!.length === 0 ? (
        <Card>
          <Empty description={t.empty} />
        </Card>
      ) : (
        <List
          className="proposal-list"
          bordered
          dataSource={list.data}
          renderItem={(p) => (
            <List.Item>
              <List.Item.Meta
                title={
                  <Space wrap>
                    <Link to={`/proposals/${p.id}`}>{p.title}</Link>
                    <StatusTag status={p.status} />
                    {p.myRole && <Tag>{t.roles[p.myRole]}</Tag>}
                  </Space>
                }
                description={
                  <Space wrap size={4} split="·">
                    <span>{p.communityName ?? p.communityId}</span>
                    <span>
                      {t.owner}：{p.owner.displayName}
                    </span>
                    {p.round > 0 && <span>{t.round(p.round)}</span>}
                    <span>
                      {t.updatedAt} {dayjs(p.updatedAt).format("YYYY-MM-DD HH:mm")}
                    </span>
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      )}
      <CreateModal open={creating} onClose={() => setCreating(false)} defaultCommunity={me.communityId} />
    </div>
  );
}

function CreateModal({
  open,
  onClose,
  defaultCommunity,
}: {
  open: boolean;
  onClose: () => void;
  defaultCommunity: string | null;
}) {
  const [form] = Form.useForm<{ title: string; communityId: string }>();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const create = useMutation({
    mutationFn: (body: { title: string; communityId: string }) =>
      api<{ proposal: ProposalDetail }>("/api/proposals", { body }),
    onSuccess: ({ proposal }) => {
      void qc.invalidateQueries({ queryKey: ["proposals", "list"] });
      message.success(t.created);
      onClose();
      navigate(`/proposals/${proposal.id}`);
    },
  });
  return (
    <Modal
      open={open}
      title={t.createTitle}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      destroyOnHidden
      okText={t.create}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ communityId: defaultCommunity ?? undefined }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="title"
          label={t.titleLabel}
          rules={[{ required: true, whitespace: true, max: LIMITS.titleMax }]}
        >
          <Input placeholder={t.titlePlaceholder} maxLength={LIMITS.titleMax} autoFocus />
        </Form.Item>
        <Form.Item name="communityId" label={t.communityLabel} rules={[{ required: true }]}>
          <CommunitySelect allowClear={false} />
        </Form.Item>
        {create.error && <Alert type="error" showIcon message={(create.error as ApiError).message} />}
      </Form>
    </Modal>
  );
}
