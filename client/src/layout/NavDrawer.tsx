import { NavLink } from "react-router";
import { Drawer } from "antd";
import { DashboardOutlined, HomeOutlined } from "@ant-design/icons";
import { AREAS } from "../areas.tsx";
import { dash } from "../strings/dashboard.ts";
import { shell } from "../strings/shell.ts";
import { navClass } from "./navClass.ts";

/** The areas as a drawer from the left, for screens too narrow for the header's links. */
export function NavDrawer({ open, onClose, dashboard }: { open: boolean; onClose: () => void; dashboard: boolean }) {
  return (
    <Drawer id="nav-drawer" title={shell.productName} placement="left" open={open} onClose={onClose} size={280}>
      <nav className="nav-drawer" aria-label={shell.nav.label}>
        <NavLink to="/" end className={navClass}>
          <HomeOutlined aria-hidden="true" /> {shell.nav.home}
        </NavLink>
        {AREAS.map((area) => (
          <NavLink key={area.key} to={area.path} className={navClass}>
            <span aria-hidden="true">{area.icon}</span> {area.title}
          </NavLink>
        ))}
        {dashboard && (
          <NavLink to="/dashboard" className={navClass}>
            <DashboardOutlined aria-hidden="true" /> {dash.nav}
          </NavLink>
        )}
      </nav>
    </Drawer>
  );
}
