import { ArrowLeftOutlined, CloudSyncOutlined, DisconnectOutlined, DownloadOutlined, LoadingOutlined } from "@ant-design/icons";
import type { Editor } from "@tiptap/core";
import { Alert, App, Badge, Button, Card, Col, Flex, Input, Modal, Result, Row, Skeleton, Space, Tabs, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import type { PmNode, ProposalDetail } from "../../../../shared/proposals.ts";
import { ApiError } from "../../api.ts";
import { useCurrentUser } from "../../auth.tsx";
import { t } from "../../strings/proposals.ts";
import { useProposalDoc, type ProposalDoc } from "./collab.ts";
import { EditorContent, showCommentHighlights, Toolbar, useCollabEditor } from "./Editor.tsx";
import { CommentsPanel, CompletenessPanel, MembersPanel, ReviewPanel, VersionsPanel } from "./Panels.tsx";
import { useComments, useProposal, useProposalAction, useProposalPush } from "./queries.ts";
import { StatusTag } from "./StatusTag.tsx";

export function EditorPage() {
  const { id = "" } = useParams();
  const proposal = useProposal(id);
  useProposalPush(id);
  if (proposal.isLoading) {
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  }
  if (proposal.isError || !proposal.data) {
    const error = proposal.error as ApiError | null;
    return (
      <Result
        status={error?.status === 404 ? "404" : error?.status === 403 ? "403" : "error"}
        title={error?.message ?? t.loadFailed}
        extra={
          <Link to="/proposals">
            <Button>{t.back}</Button>
          </Link>
        }
      />
    );
  }
  return <Workspace proposal={proposal.data} />;
}

function lockReason(p: ProposalDetail): string | null {
  if (p.canEdit) return null;
  if (p.myRole === "viewer") return t.readOnlyViewer;
  if (p.myRole === "reviewer") return t.readOnlyReviewer;
  if (p.myRole === "admin") return t.readOnlyAdmin;
  return t.readOnlyLocked;
}

function Workspace({ proposal }: { proposal: ProposalDetail }) {
  const me = useCurrentUser();
  const pdoc = useProposalDoc(proposal.id);
  const [json, setJson] = useState<PmNode | null>(null);
  const ready = !!pdoc && pdoc.ready;
  const collabEditor = useCollabEditor(ready ? pdoc : null, me, proposal.canEdit, setJson);
  // Until the document is loaded (server or this browser's offline copy) nothing is shown or typed.
  const editor = ready ? collabEditor : null;
  const comments = useComments(proposal.id);
  const [tab, setTab] = useState("outline");

  // Keep the comment highlights in place as comments arrive and the text changes.
  useEffect(() => {
    if (!editor || !pdoc || !comments.data) return;
    const timer = setTimeout(() => showCommentHighlights(editor, pdoc.doc, comments.data), 50);
    return () => clearTimeout(timer);
  }, [editor, pdoc, comments.data, json]);

  // Access regained (returned for editing) after the server closed us: reconnect.
  useEffect(() => {
    if (pdoc?.accessClosed && proposal.myRole) pdoc.reconnect();
  }, [pdoc, proposal.myRole, proposal.status]);

  const reason = lockReason(proposal);
  return (
    <div className="proposals-page">
      <Flex align="center" gap={8} wrap style={{ marginBottom: 8 }}>
        <Link to="/proposals" aria-label={t.back}>
          <ArrowLeftOutlined />
        </Link>
        <Typography.Title level={3} style={{ margin: 0 }} className="proposal-title">
          {proposal.title}
        </Typography.Title>
        <StatusTag status={proposal.status} />
        {proposal.myRole && <Tag>{t.roles[proposal.myRole]}</Tag>}
        {proposal.round > 0 && <Tag>{t.round(proposal.round)}</Tag>}
      </Flex>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Actions proposal={proposal} />
        <Space wrap>
          <SyncBadge pdoc={pdoc} />
          <a href={`/api/proposals/${proposal.id}/export?format=md`} download>
            <Button size="small" icon={<DownloadOutlined />}>
              {t.exportMd}
            </Button>
          </a>
          <a href={`/api/proposals/${proposal.id}/export?format=docx`} download>
            <Button size="small" icon={<DownloadOutlined />}>
              {t.exportDocx}
            </Button>
          </a>
        </Space>
      </Flex>
      {reason && <Alert className="proposal-readonly" type="info" showIcon message={reason} style={{ marginBottom: 8 }} />}
      {pdoc?.accessClosed && <Alert type="warning" showIcon message={t.accessWithdrawn} style={{ marginBottom: 8 }} />}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={16}>
          <Card size="small" className="proposal-editor-card" title={editor && proposal.canEdit ? <Toolbar editor={editor} /> : null}>
            {editor ? (
              <EditorContent editor={editor} className="proposal-editor-wrap" data-editable={proposal.canEdit ? "true" : "false"} />
            ) : (
              <Skeleton active paragraph={{ rows: 10 }} title={false} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" className="proposal-side">
            <Tabs
              activeKey={tab}
              onChange={setTab}
              size="small"
              items={[
                { key: "outline", label: t.tabs.outline, children: <CompletenessPanel json={json} editor={editor} /> },
                {
                  key: "comments",
                  label: (
                    <Badge size="small" count={(comments.data ?? []).filter((c) => !c.parentId && !c.resolved).length} offset={[8, 0]}>
                      {t.tabs.comments}
                    </Badge>
                  ),
                  children: <CommentsPanel proposal={proposal} editor={editor} doc={pdoc?.doc ?? null} comments={comments.data ?? []} />,
                },
                { key: "versions", label: t.tabs.versions, children: <VersionsPanel proposal={proposal} /> },
                { key: "review", label: t.tabs.review, children: <ReviewPanel proposal={proposal} /> },
                { key: "members", label: t.tabs.members, children: <MembersPanel proposal={proposal} /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

function SyncBadge({ pdoc }: { pdoc: ProposalDoc | null }) {
  if (!pdoc) return null;
  if (pdoc.state === "offline") {
    return (
      <Tag icon={<DisconnectOutlined />} color="warning" className="proposal-sync" data-state="offline" role="status">
        {pdoc.pending > 0 ? `${t.unsynced(pdoc.pending)} · ${t.offline}` : t.offline}
      </Tag>
    );
  }
  if (pdoc.state === "connecting") {
    return (
      <Tag icon={<LoadingOutlined />} className="proposal-sync" data-state="connecting" role="status">
        {pdoc.pending > 0 ? t.unsynced(pdoc.pending) : t.connecting}
      </Tag>
    );
  }
  return (
    <Tag icon={<CloudSyncOutlined />} color="success" className="proposal-sync" data-state="synced" role="status">
      {t.synced}
    </Tag>
  );
}

function Actions({ proposal }: { proposal: ProposalDetail }) {
  const me = useCurrentUser();
  const { modal, message } = App.useApp();
  const submit = useProposalAction<void>(proposal.id, "/submit");
  const startReview = useProposalAction<void>(proposal.id, "/start-review");
  const approve = useProposalAction<void>(proposal.id, "/approve");
  const ret = useProposalAction<{ reason?: string }>(proposal.id, "/return");
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState("");
  const isOwner = proposal.myRole === "owner";
  const canDecide = proposal.myRole === "reviewer" || me.role === "admin";
  const open = proposal.status === "submitted" || proposal.status === "in_review";
  const fail = (e: unknown) => message.error((e as Error).message);
  return (
    <Space wrap>
      {isOwner && (proposal.status === "draft" || proposal.status === "returned") && (
        <Button
          type="primary"
          loading={submit.isPending}
          onClick={() =>
            modal.confirm({
              title: t.submit,
              content: t.submitConfirm,
              onOk: () => submit.mutateAsync().then(() => message.success(t.submitted), fail),
            })
          }
        >
          {t.submit}
        </Button>
      )}
      {canDecide && proposal.status === "submitted" && (
        <Button loading={startReview.isPending} onClick={() => startReview.mutateAsync().catch(fail)}>
          {t.startReview}
        </Button>
      )}
      {canDecide && open && (
        <Button danger onClick={() => setReturning(true)}>
          {t.returnBtn}
        </Button>
      )}
      {me.role === "admin" && open && (
        <Button
          type="primary"
          onClick={() => modal.confirm({ title: t.approve, content: t.approveConfirm, onOk: () => approve.mutateAsync().catch(fail) })}
        >
          {t.approve}
        </Button>
      )}
      <Modal
        open={returning}
        title={t.returnBtn}
        onCancel={() => setReturning(false)}
        confirmLoading={ret.isPending}
        onOk={() =>
          ret.mutateAsync({ reason: reason.trim() || undefined }).then(() => {
            setReturning(false);
            setReason("");
          }, fail)
        }
      >
        <Input.TextArea aria-label={t.returnReason} placeholder={t.returnReason} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} rows={4} />
      </Modal>
    </Space>
  );
}

export type { Editor };
