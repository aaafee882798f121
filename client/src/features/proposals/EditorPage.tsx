import { ArrowLeftOutlined, DownloadOutlined } from "@ant-design/icons";
import type { Editor } from "@tiptap/core";
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Col,
  Flex,
  Input,
  Modal,
  Result,
  Row,
  Skeleton,
  Space,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import type { PmNode, ProposalDetail } from "../../../../shared/proposals.ts";
import type { ApiError } from "../../api.ts";
import { useCurrentUser } from "../../auth.tsx";
import { t } from "../../strings/proposals.ts";
import { useProposalDoc } from "./collab.ts";
import { EditorContent, showCommentHighlights, Toolbar, useCollabEditor } from "./Editor.tsx";
import { CommentsPanel, CompletenessPanel, MembersPanel, ReviewPanel, VersionsPanel } from "./Panels.tsx";
import { useComments, useProposal, useProposalAction, useProposalPush } from "./queries.ts";
import { StatusTag } from "./StatusTag.tsx";
import { OfflineBanner, SyncBadge } from "./SyncStatus.tsx";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

/** Answers that settle the question for good: no such proposal, or no access to it. */
function isDefinite(error: ApiError | null): boolean {
  return !!error && (error.status === 400 || error.status === 403 || error.status === 404);
}

/**
 * The editor page. Once it has a document to show it never gives way to an error page: a failing
 * metadata request (server stopped, network gone) is retried in the background while the editor
 * stays on screen, fed by this browser's local copy until the server is back.
 */
export function EditorPage() {
  const { id = "" } = useParams();
  const proposal = useProposal(id);
  useDocumentTitle(proposal.data?.title ?? shell.areas.proposals.title);
  useProposalPush(id);
  const error = proposal.error as ApiError | null;
  if (!proposal.data && isDefinite(error)) {
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
  // The same Workspace (and so the same document and provider) whatever the metadata does next.
  return (
    <Workspace
      key={id}
      id={id}
      proposal={proposal.data ?? null}
      metaError={error}
      refetchMeta={proposal.refetch}
      metaLoading={proposal.isLoading && proposal.failureCount === 0}
    />
  );
}

function lockReason(p: ProposalDetail): string | null {
  if (p.canEdit) return null;
  if (p.myRole === "viewer") return t.readOnlyViewer;
  if (p.myRole === "reviewer") return t.readOnlyReviewer;
  if (p.myRole === "admin") return t.readOnlyAdmin;
  return t.readOnlyLocked;
}

type WorkspaceProps = {
  id: string;
  /** the last metadata that arrived; null when none has yet (e.g. opened while the server is down) */
  proposal: ProposalDetail | null;
  metaError: ApiError | null;
  metaLoading: boolean;
  refetchMeta: () => unknown;
};

function Workspace({ id, proposal, metaError, metaLoading, refetchMeta }: WorkspaceProps) {
  const me = useCurrentUser();
  const pdoc = useProposalDoc(id, me.id);
  const [json, setJson] = useState<PmNode | null>(null);
  const ready = !!pdoc && pdoc.ready;
  // Edits need the user's rights: the last known ones stand through an outage, but with none known
  // (opened while the server is down) the local copy is read-only. A definite refusal after the
  // page was open (access withdrawn, proposal gone) locks the editor without taking it away.
  const withdrawn = !!proposal && isDefinite(metaError);
  const canEdit = !!proposal && proposal.canEdit && !withdrawn;
  const collabEditor = useCollabEditor(ready ? pdoc : null, me, canEdit, setJson);
  // Until the document is loaded (server or this browser's offline copy) nothing is shown or typed.
  const editor = ready ? collabEditor : null;
  const comments = useComments(id);
  const [tab, setTab] = useState("outline");
  const [offlineTitle, setOfflineTitle] = useState<string | null>(null);
  const metaUnreachable = !!metaError && !isDefinite(metaError);

  // Keep the comment highlights in place as comments arrive and the text changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the text (json) changing moves the highlights too
  useEffect(() => {
    if (!editor || !pdoc || !comments.data) return;
    const timer = setTimeout(() => showCommentHighlights(editor, pdoc.doc, comments.data), 50);
    return () => clearTimeout(timer);
  }, [editor, pdoc, comments.data, json]);

  // Access regained (returned for editing) after the server closed us: reconnect.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a status change (returned for editing) can give access back
  useEffect(() => {
    if (pdoc?.accessClosed && proposal?.myRole) pdoc.reconnect();
  }, [pdoc, proposal?.myRole, proposal?.status]);

  // The title travels with the local copy, for a tab opened while the server is down.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new title is worth storing, not every refetch of the proposal
  useEffect(() => {
    if (pdoc && proposal) pdoc.rememberTitle(proposal.title);
    else if (pdoc && !proposal) void pdoc.rememberedTitle().then(setOfflineTitle);
  }, [pdoc, proposal?.title]);

  // The document reconnected while the metadata was failing: the server is back, ask now.
  const docSynced = pdoc?.state === "synced";
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the moment the document syncs again says the server is back
  useEffect(() => {
    if (docSynced && metaError) void refetchMeta();
  }, [docSynced]);

  if (!proposal && metaLoading) {
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  }

  const reason = proposal ? lockReason(proposal) : null;
  return (
    <div className="proposals-page">
      <Flex align="center" gap={8} wrap style={{ marginBottom: 8 }}>
        <Link to="/proposals" aria-label={t.back}>
          <ArrowLeftOutlined />
        </Link>
        <Typography.Title level={3} style={{ margin: 0 }} className="proposal-title">
          {proposal?.title ?? offlineTitle ?? t.untitledOffline}
        </Typography.Title>
        {proposal && <StatusTag status={proposal.status} />}
        {proposal?.myRole && <Tag>{t.roles[proposal.myRole]}</Tag>}
        {proposal && proposal.round > 0 && <Tag>{t.round(proposal.round)}</Tag>}
      </Flex>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        {proposal ? <Actions proposal={proposal} /> : <span />}
        <Space wrap>
          <SyncBadge pdoc={pdoc} />
          <a href={`/api/proposals/${id}/export?format=md`} download>
            <Button size="small" icon={<DownloadOutlined />}>
              {t.exportMd}
            </Button>
          </a>
          <a href={`/api/proposals/${id}/export?format=docx`} download>
            <Button size="small" icon={<DownloadOutlined />}>
              {t.exportDocx}
            </Button>
          </a>
        </Space>
      </Flex>
      <OfflineBanner pdoc={pdoc} metaUnreachable={metaUnreachable} readOnly={!proposal} />
      {reason && !withdrawn && (
        <Alert className="proposal-readonly" type="info" showIcon message={reason} style={{ marginBottom: 8 }} />
      )}
      {(pdoc?.accessClosed || withdrawn) && (
        <Alert
          type="warning"
          showIcon
          message={withdrawn ? metaError?.message : t.accessWithdrawn}
          style={{ marginBottom: 8 }}
        />
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={16}>
          <Card
            size="small"
            className="proposal-editor-card"
            title={editor && canEdit ? <Toolbar editor={editor} /> : null}
          >
            {editor ? (
              <EditorContent
                editor={editor}
                className="proposal-editor-wrap"
                data-editable={canEdit ? "true" : "false"}
              />
            ) : (
              <Skeleton active paragraph={{ rows: 10 }} title={false} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" className="proposal-side">
            <Tabs
              activeKey={proposal ? tab : "outline"}
              onChange={setTab}
              size="small"
              items={[
                { key: "outline", label: t.tabs.outline, children: <CompletenessPanel json={json} editor={editor} /> },
                ...(proposal
                  ? [
                      {
                        key: "comments",
                        label: (
                          <Badge
                            size="small"
                            count={(comments.data ?? []).filter((c) => !c.parentId && !c.resolved).length}
                            offset={[8, 0]}
                          >
                            {t.tabs.comments}
                          </Badge>
                        ),
                        children: (
                          <CommentsPanel
                            proposal={proposal}
                            editor={editor}
                            doc={pdoc?.doc ?? null}
                            comments={comments.data ?? []}
                          />
                        ),
                      },
                      { key: "versions", label: t.tabs.versions, children: <VersionsPanel proposal={proposal} /> },
                      { key: "review", label: t.tabs.review, children: <ReviewPanel proposal={proposal} /> },
                      { key: "members", label: t.tabs.members, children: <MembersPanel proposal={proposal} /> },
                    ]
                  : []),
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
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
          onClick={() =>
            modal.confirm({
              title: t.approve,
              content: t.approveConfirm,
              onOk: () => approve.mutateAsync().catch(fail),
            })
          }
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
        <Input.TextArea
          aria-label={t.returnReason}
          placeholder={t.returnReason}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={2000}
          rows={4}
        />
      </Modal>
    </Space>
  );
}

export type { Editor };
