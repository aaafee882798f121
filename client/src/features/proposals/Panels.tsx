import { CheckCircleTwoTone, ExclamationCircleTwoTone, MinusCircleTwoTone } from "@ant-design/icons";
import type { Editor } from "@tiptap/core";
import { useEditorState } from "@tiptap/react";
import { useQuery } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Checkbox,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  List,
  Modal,
  Popconfirm,
  Progress,
  Rate,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from "antd";
import dayjs from "dayjs";
import { useRef, useState } from "react";
import type * as Y from "yjs";
import {
  budgetOf,
  completeness,
  formatYuan,
  REVIEW_CRITERIA,
  REVIEW_CRITERIA_LABELS,
  type PmNode,
  type ProposalComment,
  type ProposalDetail,
  type ReviewScores,
} from "../../../../shared/proposals.ts";
import { api } from "../../api.ts";
import { useCurrentUser } from "../../auth.tsx";
import { t } from "../../strings/proposals.ts";
import { resolveAnchor, selectionAnchor, StaticDoc } from "./Editor.tsx";
import { useProposalAction, useReviews, useVersionContent, useVersions } from "./queries.ts";

export function CompletenessPanel({ json, editor }: { json: PmNode | null; editor: Editor | null }) {
  if (!json) return <Spin />;
  const items = completeness(json);
  const done = items.filter((i) => i.filled).length;
  const budget = budgetOf(json);
  const jump = (title: string) => {
    if (!editor) return;
    let target = -1;
    editor.state.doc.forEach((node, offset) => {
      if (target < 0 && node.type.name === "heading" && node.textContent.trim() === title)
        target = offset + node.nodeSize;
    });
    if (target >= 0) {
      editor.commands.focus();
      editor.commands.setTextSelection(target + 1);
      for (const h of editor.view.dom.querySelectorAll("h1,h2")) {
        if (h.textContent?.trim() === title) h.scrollIntoView({ block: "center", behavior: "smooth" });
      }
    }
  };
  return (
    <div className="proposal-completeness">
      <Typography.Text strong>{t.completeness(done, items.length)}</Typography.Text>
      <Progress percent={Math.round((done / items.length) * 100)} size="small" />
      <List
        size="small"
        dataSource={items}
        renderItem={(item) => (
          <List.Item
            data-section={item.section}
            data-filled={item.filled ? "true" : "false"}
            actions={[
              <Tag key="s" color={item.filled ? "success" : item.present ? "default" : "error"}>
                {item.filled ? t.filled : item.present ? t.missing : t.absent}
              </Tag>,
            ]}
          >
            <Button type="link" size="small" style={{ padding: 0 }} onClick={() => jump(item.section)}>
              {item.filled ? (
                <CheckCircleTwoTone twoToneColor="#52c41a" />
              ) : item.present ? (
                <MinusCircleTwoTone twoToneColor="#bfbfbf" />
              ) : (
                <ExclamationCircleTwoTone twoToneColor="#ff4d4f" />
              )}{" "}
              {item.section}
            </Button>
          </List.Item>
        )}
      />
      <div className="proposal-budget" role="status">
        {budget ? (
          <>
            <Typography.Text>
              {t.budgetTotal}：<strong className="proposal-budget-total">{formatYuan(budget.total)}</strong> {t.yuan}
            </Typography.Text>
            {budget.invalidRows.length > 0 && (
              <Alert type="warning" showIcon message={t.budgetInvalid(budget.invalidRows)} style={{ marginTop: 4 }} />
            )}
          </>
        ) : (
          <Typography.Text type="secondary">{t.noBudget}</Typography.Text>
        )}
      </div>
    </div>
  );
}

export function CommentsPanel({
  proposal,
  editor,
  doc,
  comments,
}: {
  proposal: ProposalDetail;
  editor: Editor | null;
  doc: Y.Doc | null;
  comments: ProposalComment[];
}) {
  const { message } = App.useApp();
  const [body, setBody] = useState("");
  const [showResolved, setShowResolved] = useState(false);
  const create = useProposalAction<object, { comment: ProposalComment }>(proposal.id, "/comments");
  const roots = comments.filter((c) => !c.parentId && (showResolved || !c.resolved));
  const bodyInput = useRef<HTMLTextAreaElement>(null);
  // Selecting text is enough to enable the button (as its hint says); the comment is asked for next.
  const hasSelection =
    useEditorState({ editor, selector: ({ editor }) => Boolean(editor && !editor.state.selection.empty) }) ?? false;
  const start = () => {
    if (!editor) return;
    const anchor = selectionAnchor(editor);
    if (!anchor) {
      message.info(t.selectFirst);
      return;
    }
    if (!body.trim()) {
      message.info(t.writeFirst);
      bodyInput.current?.focus();
      return;
    }
    create.mutate(
      { ...anchor, body },
      {
        onSuccess: () => setBody(""),
        onError: (e) => message.error((e as Error).message),
      },
    );
  };
  return (
    <div className="proposal-comments">
      <Space.Compact style={{ width: "100%" }} direction="vertical">
        <Input.TextArea
          ref={(el) => {
            bodyInput.current = el?.resizableTextArea?.textArea ?? null;
          }}
          aria-label={t.commentPlaceholder}
          placeholder={t.commentPlaceholder}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          maxLength={2000}
          autoSize={{ minRows: 2, maxRows: 5 }}
        />
        <Button
          type="primary"
          block
          onMouseDown={(e) => e.preventDefault()}
          onClick={start}
          disabled={!editor || (!hasSelection && !body.trim())}
          loading={create.isPending}
        >
          {t.addComment}
        </Button>
      </Space.Compact>
      <Checkbox checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} style={{ margin: "8px 0" }}>
        {t.showResolved}
      </Checkbox>
      {roots.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noComments} />
      ) : (
        roots.map((root) => (
          <Thread
            key={root.id}
            proposal={proposal}
            root={root}
            replies={comments.filter((c) => c.parentId === root.id)}
            editor={editor}
            doc={doc}
          />
        ))
      )}
    </div>
  );
}

function Thread({
  proposal,
  root,
  replies,
  editor,
  doc,
}: {
  proposal: ProposalDetail;
  root: ProposalComment;
  replies: ProposalComment[];
  editor: Editor | null;
  doc: Y.Doc | null;
}) {
  const { message } = App.useApp();
  const [reply, setReply] = useState("");
  const send = useProposalAction<object>(proposal.id, "/comments");
  const resolve = useProposalAction<{ resolved: boolean }>(proposal.id, `/comments/${root.id}/resolve`);
  const range = editor && doc && root.anchor ? resolveAnchor(editor, doc, root.anchor) : null;
  const focus = () => {
    if (!editor || !range) return;
    editor.commands.focus();
    editor.commands.setTextSelection(range);
    editor.commands.scrollIntoView();
  };
  return (
    <div className={`proposal-thread${root.resolved ? " is-resolved" : ""}`} data-comment={root.id}>
      <button type="button" className="proposal-quote" onClick={focus} disabled={!range}>
        {range
          ? `“${editor!.state.doc.textBetween(range.from, range.to, " ").slice(0, 80)}”`
          : `${t.anchorLost}：“${root.quote ?? ""}”`}
      </button>
      {[root, ...replies].map((c) => (
        <div key={c.id} className="proposal-comment">
          <Typography.Text strong>{c.author.displayName}</Typography.Text>{" "}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {dayjs(c.createdAt).format("MM-DD HH:mm")}
          </Typography.Text>
          <div className="proposal-comment-body">{c.body}</div>
        </div>
      ))}
      <Flex gap={4} style={{ marginTop: 4 }}>
        <Input
          size="small"
          aria-label={t.replyPlaceholder}
          placeholder={t.replyPlaceholder}
          value={reply}
          maxLength={2000}
          onChange={(e) => setReply(e.target.value)}
          onPressEnter={() =>
            reply.trim() &&
            send.mutate(
              { parentId: root.id, body: reply },
              { onSuccess: () => setReply(""), onError: (e) => message.error((e as Error).message) },
            )
          }
        />
        <Button
          size="small"
          disabled={!reply.trim()}
          loading={send.isPending}
          onClick={() =>
            send.mutate(
              { parentId: root.id, body: reply },
              { onSuccess: () => setReply(""), onError: (e) => message.error((e as Error).message) },
            )
          }
        >
          {t.reply}
        </Button>
        <Button
          size="small"
          onClick={() =>
            resolve.mutate({ resolved: !root.resolved }, { onError: (e) => message.error((e as Error).message) })
          }
        >
          {root.resolved ? t.reopen : t.resolve}
        </Button>
      </Flex>
    </div>
  );
}

export function VersionsPanel({ proposal }: { proposal: ProposalDetail }) {
  const { message, modal } = App.useApp();
  const versions = useVersions(proposal.id);
  const [name, setName] = useState("");
  const [viewing, setViewing] = useState<{ id: string; name: string } | null>(null);
  const save = useProposalAction<{ name: string }>(proposal.id, "/versions");
  const restore = useProposalAction<string>(proposal.id, (versionId) => `/versions/${versionId}/restore`);
  const content = useVersionContent(proposal.id, viewing?.id ?? null);
  const isWriter = proposal.myRole === "owner" || proposal.myRole === "editor";
  return (
    <div className="proposal-versions">
      {isWriter && (
        <Space.Compact style={{ width: "100%", marginBottom: 8 }}>
          <Input
            aria-label={t.versionName}
            placeholder={t.versionName}
            value={name}
            maxLength={60}
            onChange={(e) => setName(e.target.value)}
          />
          <Button
            type="primary"
            disabled={!name.trim()}
            loading={save.isPending}
            onClick={() =>
              save.mutate(
                { name },
                {
                  onSuccess: () => {
                    setName("");
                    message.success(t.versionSaved);
                  },
                  onError: (e) => message.error((e as Error).message),
                },
              )
            }
          >
            {t.saveVersion}
          </Button>
        </Space.Compact>
      )}
      {versions.isLoading ? (
        <Spin />
      ) : (versions.data ?? []).length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noVersions} />
      ) : (
        <List
          size="small"
          dataSource={versions.data}
          renderItem={(v) => (
            <List.Item
              actions={[
                <Button key="v" size="small" type="link" onClick={() => setViewing(v)}>
                  {t.view}
                </Button>,
                proposal.canEdit && (
                  <Button
                    key="r"
                    size="small"
                    type="link"
                    onClick={() =>
                      modal.confirm({
                        title: `${t.restore}「${v.name}」`,
                        content: t.restoreConfirm,
                        onOk: () =>
                          restore.mutateAsync(v.id).then(
                            () => message.success(t.restored),
                            (e) => message.error((e as Error).message),
                          ),
                      })
                    }
                  >
                    {t.restore}
                  </Button>
                ),
              ].filter(Boolean)}
            >
              <List.Item.Meta
                title={v.name}
                description={`${v.createdBy.displayName} · ${dayjs(v.createdAt).format("YYYY-MM-DD HH:mm")}`}
              />
            </List.Item>
          )}
        />
      )}
      <Modal
        open={!!viewing}
        title={viewing ? t.versionView(viewing.name) : ""}
        onCancel={() => setViewing(null)}
        footer={
          viewing && (
            <Space wrap>
              <a href={`/api/proposals/${proposal.id}/export?format=md&versionId=${viewing.id}`} download>
                <Button>{t.exportMd}</Button>
              </a>
              <a href={`/api/proposals/${proposal.id}/export?format=docx&versionId=${viewing.id}`} download>
                <Button>{t.exportDocx}</Button>
              </a>
            </Space>
          )
        }
        width={820}
        destroyOnHidden
      >
        {content.isLoading || !content.data ? <Spin /> : <StaticDoc content={content.data} />}
      </Modal>
    </div>
  );
}

const EMPTY_SCORES: Partial<ReviewScores> = {};

export function ReviewPanel({ proposal }: { proposal: ProposalDetail }) {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const reviews = useReviews(proposal.id);
  const save = useProposalAction<{ scores: ReviewScores; comment: string }>(proposal.id, "/reviews");
  const isReviewer = proposal.myRole === "reviewer";
  const open = proposal.status === "submitted" || proposal.status === "in_review";
  const mine = reviews.data?.reviews.find((r) => r.reviewer.id === me.id && r.round === proposal.round);
  if (reviews.isLoading) return <Spin />;
  return (
    <div className="proposal-review">
      {isReviewer &&
        (open ? (
          <Form
            key={mine?.id ?? "new"}
            layout="vertical"
            initialValues={{ ...(mine?.scores ?? EMPTY_SCORES), comment: mine?.comment ?? "" }}
            onFinish={(v: ReviewScores & { comment: string }) => {
              const { comment, ...scores } = v;
              save.mutate(
                { scores, comment: comment ?? "" },
                {
                  onSuccess: () => message.success(t.reviewSaved),
                  onError: (e) => message.error((e as Error).message),
                },
              );
            }}
          >
            <Typography.Text strong>
              {t.reviewForm}（{t.round(proposal.round)}）
            </Typography.Text>
            {REVIEW_CRITERIA.map((k) => (
              <Form.Item
                key={k}
                name={k}
                label={REVIEW_CRITERIA_LABELS[k]}
                rules={[{ required: true, message: "请打分" }]}
                style={{ marginBottom: 4 }}
              >
                <Rate aria-label={REVIEW_CRITERIA_LABELS[k]} />
              </Form.Item>
            ))}
            <Form.Item name="comment" label={t.reviewComment}>
              <Input.TextArea rows={3} maxLength={20000} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t.saveReview}
            </Button>
          </Form>
        ) : (
          <Alert type="info" message={t.reviewClosed} />
        ))}
      {(reviews.data?.aggregates ?? []).map((a) => (
        <Descriptions
          key={a.round}
          size="small"
          column={1}
          bordered
          title={t.aggregate(a.round, a.count)}
          style={{ marginTop: 12 }}
        >
          {REVIEW_CRITERIA.map((k) => (
            <Descriptions.Item key={k} label={REVIEW_CRITERIA_LABELS[k]}>
              {a.means?.[k]}
            </Descriptions.Item>
          ))}
          <Descriptions.Item label={t.meanTotal}>
            <strong>{a.meanTotal}</strong> / 25
          </Descriptions.Item>
        </Descriptions>
      ))}
      {(reviews.data?.reviews ?? []).length === 0 ? (
        !isReviewer && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noReviews} />
      ) : (
        <List
          size="small"
          style={{ marginTop: 12 }}
          dataSource={reviews.data!.reviews}
          renderItem={(r) => (
            <List.Item>
              <List.Item.Meta
                title={`${r.reviewer.displayName} · ${t.round(r.round)} · ${r.total}/25`}
                description={
                  <>
                    <div>{REVIEW_CRITERIA.map((k) => `${REVIEW_CRITERIA_LABELS[k]} ${r.scores[k]}`).join("，")}</div>
                    {r.comment && <div className="proposal-comment-body">{r.comment}</div>}
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

function PeopleSelect({
  reviewers,
  onPick,
  placeholder,
}: {
  reviewers: boolean;
  onPick: (id: string) => void;
  placeholder: string;
}) {
  const [q, setQ] = useState("");
  const people = useQuery({
    queryKey: ["proposals", "people", reviewers, q],
    queryFn: ({ signal }) =>
      api<{ users: { id: string; displayName: string; username: string }[] }>(
        `/api/proposals/people?q=${encodeURIComponent(q)}&reviewers=${reviewers}`,
        { signal },
      ).then((r) => r.users),
  });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      aria-label={placeholder}
      placeholder={placeholder}
      style={{ minWidth: 180, flex: 1 }}
      loading={people.isLoading}
      value={null}
      onChange={(v: string) => v && onPick(v)}
      options={(people.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }))}
    />
  );
}

export function MembersPanel({ proposal }: { proposal: ProposalDetail }) {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const [role, setRole] = useState<"editor" | "viewer">("editor");
  const add = useProposalAction<{ userId: string; role: string }>(proposal.id, "/members");
  const remove = useProposalAction<string>(proposal.id, (userId) => `/members/${userId}`, "DELETE");
  const addReviewer = useProposalAction<{ userId: string }>(proposal.id, "/reviewers");
  const removeReviewer = useProposalAction<string>(proposal.id, (userId) => `/reviewers/${userId}`, "DELETE");
  const canManage = proposal.myRole === "owner" || me.role === "admin";
  const fail = (e: unknown) => message.error((e as Error).message);
  return (
    <div className="proposal-members">
      <Typography.Text strong>{t.owner}</Typography.Text>
      <div style={{ marginBottom: 8 }}>{proposal.owner.displayName}</div>
      <Typography.Text strong>{t.members}</Typography.Text>
      <List
        size="small"
        locale={{ emptyText: t.noMembers }}
        dataSource={proposal.members}
        renderItem={(m) => (
          <List.Item
            actions={
              canManage
                ? [
                    <Popconfirm
                      key="x"
                      title={`${t.remove}${m.displayName}？`}
                      onConfirm={() => remove.mutateAsync(m.id).catch(fail)}
                    >
                      <Button size="small" type="link" danger>
                        {t.remove}
                      </Button>
                    </Popconfirm>,
                  ]
                : []
            }
          >
            {m.displayName} <Tag>{t.roles[m.memberRole]}</Tag>
          </List.Item>
        )}
      />
      {canManage && (
        <Flex gap={4} wrap style={{ marginTop: 4 }}>
          <Select
            value={role}
            onChange={setRole}
            aria-label="成员角色"
            popupMatchSelectWidth={false}
            style={{ minWidth: 104 }}
            options={[
              { value: "editor", label: t.asEditor },
              { value: "viewer", label: t.asViewer },
            ]}
          />
          <PeopleSelect
            reviewers={false}
            placeholder={t.addMember}
            onPick={(userId) => add.mutateAsync({ userId, role }).catch(fail)}
          />
        </Flex>
      )}
      <Typography.Text strong style={{ display: "block", marginTop: 12 }}>
        {t.reviewers}
      </Typography.Text>
      <List
        size="small"
        locale={{ emptyText: t.noMembers }}
        dataSource={proposal.reviewers}
        renderItem={(r) => (
          <List.Item
            actions={
              me.role === "admin"
                ? [
                    <Button
                      key="x"
                      size="small"
                      type="link"
                      danger
                      onClick={() => removeReviewer.mutateAsync(r.id).catch(fail)}
                    >
                      {t.remove}
                    </Button>,
                  ]
                : []
            }
          >
            {r.displayName}
          </List.Item>
        )}
      />
      {me.role === "admin" && (
        <PeopleSelect
          reviewers
          placeholder={t.addReviewer}
          onPick={(userId) => addReviewer.mutateAsync({ userId }).catch(fail)}
        />
      )}
    </div>
  );
}
