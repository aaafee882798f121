import { Avatar, Button, Dropdown, type MenuProps } from "antd";
import { ApartmentOutlined, DownOutlined, FilterOutlined, LogoutOutlined, SettingOutlined, TeamOutlined, UploadOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router";
import type { User } from "../../../shared/auth.ts";
import { ROLE_LABELS } from "../../../shared/vocabulary.ts";
import { useLogout } from "../auth.tsx";
import { moderation } from "../strings/moderation.ts";
import { roster } from "../strings/roster.ts";
import { shell } from "../strings/shell.ts";

export function UserMenu({ user }: { user: User }) {
  const navigate = useNavigate();
  const logout = useLogout();

  const organiser = user.roles.some((role) => role === "admin" || role === "organiser");
  const managesPeople = organiser || user.roles.includes("street_admin");
  const items: MenuProps["items"] = [
    { key: "who", type: "group", label: `${user.displayName} · ${ROLE_LABELS[user.role]}` },
    { key: "account", icon: <SettingOutlined />, label: shell.userMenu.account },
    ...(user.roles.includes("admin") ? [{ key: "admin", icon: <TeamOutlined />, label: shell.userMenu.admin }] : []),
    ...(managesPeople ? [{ key: "roster", icon: <UploadOutlined />, label: roster.nav.roster }] : []),
    ...(organiser ? [{ key: "org", icon: <ApartmentOutlined />, label: roster.nav.org }] : []),
    ...(organiser ? [{ key: "words", icon: <FilterOutlined />, label: moderation.nav }] : []),
    { type: "divider" as const },
    { key: "logout", icon: <LogoutOutlined />, label: shell.userMenu.logout, danger: true },
  ];

  const onClick: MenuProps["onClick"] = ({ key }) => {
    if (key === "account") navigate("/account");
    else if (key === "admin") navigate("/admin/users");
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
