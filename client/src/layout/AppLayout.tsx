import { Suspense, useEffect, useState } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { Button, Drawer, Layout } from "antd";
import { DashboardOutlined, HomeOutlined, MenuOutlined } from "@ant-design/icons";
import { useCurrentUser } from "../auth.tsx";
import { AREAS } from "../areas.tsx";
import { PageSpin } from "../components/PageSpin.tsx";
import { canSeeDashboard } from "../features/dashboard/access.ts";
import { Bell } from "../features/notifications/Bell.tsx";
import { dash } from "../strings/dashboard.ts";
import { shell } from "../strings/shell.ts";
import { ConnectionIndicator } from "./ConnectionIndicator.tsx";
import { UserMenu } from "./UserMenu.tsx";

const navClass = ({ isActive }: { isActive: boolean }) => (isActive ? "nav-link nav-link-active" : "nav-link");

/** Header (product name, the four areas, connection, bell, user menu) around the signed-in pages. */
export function AppLayout() {
  const user = useCurrentUser();
  const location = useLocation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const dashboard = canSeeDashboard(user);

  // a link chosen in the drawer navigates; close the drawer behind it
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  return (
    <Layout className="app">
      <a className="skip-link" href="#main">
        跳到主要内容
      </a>
      <Layout.Header className="app-header">
        <Button
          className="nav-toggle"
          type="text"
          icon={<MenuOutlined />}
          aria-label={shell.nav.openMenu}
          aria-expanded={drawerOpen}
          aria-controls="nav-drawer"
          onClick={() => setDrawerOpen(true)}
        />
        <Link to="/" className="brand" aria-label={`${shell.productName}，${shell.nav.home}`}>
          <span className="brand-mark" aria-hidden="true">
            协
          </span>
          <span className="brand-name">{shell.productName}</span>
          <span className="brand-name-short" aria-hidden="true">
            {shell.productShortName}
          </span>
        </Link>
        <nav className="nav-desktop" aria-label={shell.nav.label}>
          {AREAS.map((area) => (
            <NavLink key={area.key} to={area.path} className={navClass}>
              {area.title}
            </NavLink>
          ))}
          {dashboard && (
            <NavLink to="/dashboard" className={navClass}>
              {dash.nav}
            </NavLink>
          )}
        </nav>
        <div className="header-tools">
          <ConnectionIndicator />
          <Bell />
          <UserMenu user={user} />
        </div>
      </Layout.Header>

      <Drawer
        id="nav-drawer"
        title={shell.productName}
        placement="left"
        open={drawerOpen}
        onClose={() => setDrawerOpen(false)}
        size={280}
      >
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

      <Layout.Content id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<PageSpin />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}
