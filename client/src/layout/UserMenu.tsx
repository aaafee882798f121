import { Avatar, Button, Dropdown, type MenuProps } from "antd";
import {
  ApartmentOutlined,
  AuditOutlined,
  RiseOutlined,
  DownOutlined,
  FilterOutlined,
  LogoutOutlined,
  SettingOutlined,
  TeamOutlined,
  UploadOutlined,
} from "@ant-design/icons";
import { useNavigate } from "react-router";
import type { User } from "../../../shared/auth.ts";
import { ROLE_LABELS } from "../../../shared/vocabulary.ts";
import { useLogout } from "../auth.tsx";
import { moderation } from "../strings/moderation.ts";
import { isAnyOrganiser, isOrganiser } from "../roles.ts";
import { accounts } from "../strings/accounts.ts";
import { growth } from "../strings/growth.ts";
import { roster } from "../strings/roster.ts";
import { shell } from "../strings/shell.ts";

export function UserMenu({ user }: { user: User }) {
  const navigate = useNavigate();
  const logout = useLogout();

  const organiser = isOrganiser(user);
  const managesPeople = isAnyOrganiser(user);
  const items: MenuProps["items"] = [
    { key: "who", type: "group", label: `${user.displayName} · ${ROLE_LABELS[user.role]}` },
    { key: "record", icon: <RiseOutlined />, label: growth.nav },
    { key: "account", icon: <SettingOutlined />, label: shell.userMenu.account },
    ...(managesPeople ? [{ key: "admin", icon: <TeamOutlined />, label: shell.userMenu.admin }] : []),
    ...(managesPeople ? [{ key: "roster", icon: <UploadOutlined />, label: roster.nav.roster }] : []),
    ...(organiser ? [{ key: "org", icon: <ApartmentOutlined />, label: roster.nav.org }] : []),
    ...(organiser ? [{ key: "words", icon: <FilterOutlined />, label: moderation.nav }] : []),
    ...(organiser ? [{ key: "audit", icon: <AuditOutlined />, label: accounts.audit.title }] : []),
    { type: "divider" as const },
    { key: "logout", icon: <LogoutOutlined />, label: shell.userMenu.logout, danger: true },
  ];

  const onClick: MenuProps["onClick"] = ({ key }) => {
    if (key === "record") navigate(`/people/${user.id}/record`);
    else if (key === "account") navigate("/account");
    else if (key === "admin") navigate("/admin/users");
    else if (key === "audit") navigate("/admin/audit");
    else if (key === "roster") navigate("/admin/roster");
    else if (key === "org") navigate("/admin/org");
    else if (key === "words") navigate("/admin/words");
    else if (key === "logout") void logout();
  };

  return (
    <Dropdown menu={{ items, onClick }} trigger={["click"]} placement="bottomRight">
      <Button type="text" className="user-menu-button" aria-label={`${shell.userMenu.label}：${user.displayName}`}>
        <Avatar size="small" className="user-avatar" aria-hidden="true">
          {user.displayName.slice(0, 1)}
        </Avatar>
        <span className="user-menu-name">{user.displayName}</span>
        <DownOutlined aria-hidden="true" className="user-menu-caret" />
      </Button>
    </Dropdown>
  );
}
