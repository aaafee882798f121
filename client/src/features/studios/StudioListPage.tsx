import { Link } from "react-router";
import { Badge, Button, Empty, Result, Segmented, Skeleton, Tag } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useState } from "react";
import type { Studio } from "../../../../shared/studios.ts";
import { useCurrentUser } from "../../auth.tsx";
import { isAnyOrganiser } from "../../roles.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { chatTime, day } from "./format.ts";
import { useStudios } from "./useStudios.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

/** The studios I belong to, with unread counts; an admin can also see every studio and create one. */
export function StudioListPage() {
  useDocumentTitle(shell.areas.studios.title);
  const me = useCurrentUser();
  const isAdmin = isAnyOrganiser(me);
  const [scope, setScope] = useState<"mine" | "all">(isAdmin ? "all" : "mine");
  const { data, isLoading, isError, refetch } = useStudios(scope);

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
          style={{ marginBottom: 12 }}
        />
      )}
      {isLoading ? (
        <Skeleton active />
      ) : isError ? (
        <Result status="warning" title={t.loadFailed} extra={<Button onClick={() => void refetch()}>{t.retry}</Button>} />
      ) : !data?.length ? (
        <Empty description={isAdmin ? t.listEmptyAdmin : t.listEmpty} />
      ) : (
        <ul className="studio-list" data-testid="studio-list">
          {data.map((s) => (
            <StudioRow key={s.id} studio={s} member={s.members.some((m) => m.userId === me.id)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function StudioRow({ studio: s, member }: { studio: Studio; member: boolean }) {
  const mentor = s.members.find((m) => m.role === "mentor");
  const mentees = s.members.filter((m) => m.role === "mentee");
  const body = (
    <>
      <div className="studio-row-top">
        <strong className="studio-row-name">{s.name}</strong>
        {s.readOnly && <Tag>{t.readOnlyTag}</Tag>}
        <span className="studio-row-spacer" />
        {s.lastMessage && <span className="studio-muted">{chatTime(s.lastMessage.createdAt)}</span>}
      </div>
      <div className="studio-row-bottom">
        <span className="studio-row-last">
          {s.lastMessage
            ? `${s.lastMessage.authorName}：${s.lastMessage.text || "[已撤回]"}`
            : `${t.mentor} ${mentor?.displayName ?? ""} · ${mentees.map((m) => m.displayName).join("、")}`}
        </span>
        {s.unread > 0 && <Badge count={s.unread} aria-label={t.unread(s.unread)} data-testid="studio-unread" />}
      </div>
      {!member && (
        <div className="studio-muted">
          {t.term(day(s.termStartsAt), day(s.termEndsAt))} · {t.mentor} {mentor?.displayName} · {mentees.map((m) => m.displayName).join("、")}
        </div>
      )}
    </>
  );
  return (
    <li>
      {member ? (
        <Link to={`/studios/${s.id}`} className="studio-row" data-testid="studio-row">
          {body}
        </Link>
      ) : (
        <div className="studio-row studio-row-static">{body}</div>
      )}
    </li>
  );
}
