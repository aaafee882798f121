import { Link } from "react-router";
import { Badge, Button, Empty, Result, Segmented, Skeleton, Tabs, Tag } from "antd";
import { PlusOutlined, TeamOutlined } from "@ant-design/icons";
import { useState } from "react";
import type { Studio } from "../../../../shared/studios.ts";
import { STUDIO_KIND_LABELS, STUDIO_KINDS, type StudioKind } from "../../../../shared/vocabulary.ts";
import { useCurrentUser } from "../../auth.tsx";
import { canManageStreet, isAnyOrganiser } from "../../roles.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { chatTime, day, termLeft } from "./format.ts";
import { leadLabel, MembersPanel } from "./MembersPanel.tsx";
import { useStudios } from "./useStudios.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

/**
 * The studios I belong to (and those I left), with unread counts, in two tabs: 导师工作室 and
 * 老书记帮带. An organiser also sees every studio, creates one and manages members.
 */
export function StudioListPage() {
  useDocumentTitle(shell.areas.studios.title);
  const me = useCurrentUser();
  const isAdmin = isAnyOrganiser(me);
  const [scope, setScope] = useState<"mine" | "all">(isAdmin ? "all" : "mine");
  const [kind, setKind] = useState<StudioKind>("mentor");
  const [managing, setManaging] = useState<string | null>(null);
  const { data, isLoading, isError, refetch } = useStudios(scope);
  const managed = data?.find((s) => s.id === managing);

  const list = (k: StudioKind) => {
    const rows = (data ?? []).filter((s) => s.kind === k);
    if (rows.length === 0)
      return <Empty description={scope === "all" ? t.listEmptyKind(STUDIO_KIND_LABELS[k]) : t.listEmpty} />;
    return (
      <ul className="studio-list" data-testid="studio-list">
        {rows.map((s) => (
          <StudioRow
            key={s.id}
            studio={s}
            member={s.members.some((m) => m.userId === me.id) || s.myLeftAt !== null}
            onManage={canManageStreet(me, s.streetId) ? () => setManaging(s.id) : undefined}
          />
        ))}
      </ul>
    );
  };
  const count = (k: StudioKind) => (data ?? []).filter((s) => s.kind === k).length;
  const unread = (k: StudioKind) => (data ?? []).filter((s) => s.kind === k).reduce((sum, s) => sum + s.unread, 0);

  return (
    <div className="page page-narrow studio-list-page">
      <div className="studio-list-head">
        <h1 className="section-title">{t.title}</h1>
        {isAdmin && (
          <Link to="/studios/new">
            <Button type="primary" icon={<PlusOutlined />}>
              {t.create}
            </Button>
          </Link>
        )}
      </div>
      {isAdmin && (
        <Segmented
          value={scope}
          onChange={(v) => setScope(v as "mine" | "all")}
          options={[
            { value: "all", label: t.allStudios },
            { value: "mine", label: t.myStudios },
          ]}
          style={{ marginBottom: 4 }}
        />
      )}
      {isLoading ? (
        <Skeleton active />
      ) : isError ? (
        <Result
          status="warning"
          title={t.loadFailed}
          extra={<Button onClick={() => void refetch()}>{t.retry}</Button>}
        />
      ) : (
        <Tabs
          activeKey={kind}
          onChange={(k) => setKind(k as StudioKind)}
          items={STUDIO_KINDS.map((k) => ({
            key: k,
            label: (
              <span data-testid={`studio-tab-${k}`}>
                {STUDIO_KIND_LABELS[k]} <span className="studio-muted">{count(k)}</span>
                {unread(k) > 0 && <Badge count={unread(k)} size="small" style={{ marginInlineStart: 4 }} />}
              </span>
            ),
            children: list(k),
          }))}
        />
      )}
      {managed && <MembersPanel studio={managed} open onClose={() => setManaging(null)} />}
    </div>
  );
}

/** A non-member (an organiser's overview) gets no last line, so the second line shows who is in it. */
function StudioRow({ studio: s, member, onManage }: { studio: Studio; member: boolean; onManage?: () => void }) {
  const lead = s.members.find((m) => m.role === "mentor");
  const taught = s.members.filter((m) => m.role === "mentee");
  const term = termLeft(s.termStartsAt, s.termEndsAt);
  const people = `${leadLabel(s.kind)} ${lead?.displayName ?? ""} · ${taught.map((m) => m.displayName).join("、")}`;
  const body = (
    <>
      <div className="studio-row-top">
        <strong className="studio-row-name">{s.name}</strong>
        {s.myLeftAt && <Tag>{t.leftTag}</Tag>}
        <span className="studio-row-spacer" />
        {s.lastMessage && <span className="studio-muted">{chatTime(s.lastMessage.createdAt)}</span>}
      </div>
      <div className="studio-row-bottom">
        <span className="studio-row-last">
          {s.lastMessage
            ? `${s.lastMessage.authorName ? `${s.lastMessage.authorName}：` : ""}${s.lastMessage.text || "[已撤回]"}`
            : people}
        </span>
        {s.unread > 0 && <Badge count={s.unread} aria-label={t.unread(s.unread)} data-testid="studio-unread" />}
      </div>
      <div className="studio-row-term studio-muted" data-testid="studio-term">
        <span>{t.term(day(s.termStartsAt), day(s.termEndsAt))}</span>
        <Tag color={term.ended ? "default" : "blue"} className="studio-term-left">
          {term.label}
        </Tag>
      </div>
    </>
  );
  return (
    <li className="studio-list-item">
      {member ? (
        <Link to={`/studios/${s.id}`} className="studio-row" data-testid="studio-row">
          {body}
        </Link>
      ) : (
        <div className="studio-row studio-row-static" data-testid="studio-row">
          {body}
        </div>
      )}
      {onManage && (
        <Button
          className="studio-manage"
          size="small"
          icon={<TeamOutlined />}
          onClick={onManage}
          data-testid="studio-manage"
          aria-label={`${t.manageMembers}：${s.name}`}
        >
          {t.members}
        </Button>
      )}
    </li>
  );
}
