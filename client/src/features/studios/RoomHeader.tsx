import { Link } from "react-router";
import { Badge, Button, Dropdown, Tag } from "antd";
import {
  ArrowLeftOutlined,
  CheckSquareOutlined,
  DownloadOutlined,
  MoreOutlined,
  PushpinOutlined,
  SearchOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import type { User } from "../../../../shared/auth.ts";
import type { Studio } from "../../../../shared/studios.ts";
import { canManageStreet, nameWithRole } from "../../roles.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { fromNow } from "./format.ts";
import { leadLabel } from "./MembersPanel.tsx";
import type { SidePanel } from "./RoomSidePanels.tsx";

/**
 * The room's title bar: the studio's name, who is in it and who is online, the tasks button with
 * its count (the lead sees what is overdue, a member what is still theirs), and the 更多 menu.
 */
export function RoomHeader({
  studio,
  me,
  readOnly,
  left,
  pinCount,
  taskBadge,
  onPanel,
  onManage,
}: {
  studio: Studio;
  me: User;
  readOnly: boolean;
  left: string | null;
  pinCount: number;
  taskBadge: { count: number; overdue: boolean };
  onPanel(panel: SidePanel): void;
  onManage(): void;
}) {
  const moreItems = [
    ...(canManageStreet(me, studio.streetId)
      ? [{ key: "members", icon: <TeamOutlined />, label: t.manageMembers }]
      : []),
    { key: "pins", icon: <PushpinOutlined />, label: t.pinnedCount(pinCount) },
    { key: "search", icon: <SearchOutlined />, label: t.search },
    { key: "export", icon: <DownloadOutlined />, label: t.export },
  ];
  return (
    <header className="studio-room-head">
      <Link to="/studios" aria-label={t.back} className="studio-back">
        <ArrowLeftOutlined />
      </Link>
      <div className="studio-room-title">
        <h1>
          {studio.name} {readOnly && <Tag>{left ? t.leftTag : t.readOnlyTag}</Tag>}
        </h1>
        <div className="studio-members">
          {studio.members.map((m) => (
            <span key={m.userId} className="studio-member" data-testid="studio-member">
              <Badge status={m.online ? "success" : "default"} />
              {m.role === "mentor" ? nameWithRole(m.displayName, leadLabel(studio.kind)) : m.displayName}
              <span className="studio-muted">
                {m.userId === me.id
                  ? ""
                  : m.online
                    ? ` ${t.online}`
                    : ` ${m.lastSeenAt ? t.lastSeen(fromNow(m.lastSeenAt)) : t.neverSeen}`}
              </span>
            </span>
          ))}
        </div>
      </div>
      <Badge count={taskBadge.count} size="small" color={taskBadge.overdue ? "red" : "blue"}>
        <Button
          icon={<CheckSquareOutlined />}
          onClick={() => onPanel("tasks")}
          data-testid="studio-tasks-button"
          aria-label={t.taskPanel}
        >
          <span className="studio-btn-label">{t.tasks}</span>
        </Button>
      </Badge>
      <Dropdown
        menu={{ items: moreItems, onClick: ({ key }) => (key === "members" ? onManage() : onPanel(key as SidePanel)) }}
        trigger={["click"]}
      >
        <Button icon={<MoreOutlined />} aria-label={t.more} />
      </Dropdown>
    </header>
  );
}
