import { lazy, useEffect, useState } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { Button } from "antd";
import { MenuOutlined } from "@ant-design/icons";
import { useCurrentUser } from "../auth.tsx";
import { AREAS } from "../areas.tsx";
import { LoadGuard } from "../components/LoadGuard.tsx";
import { PageSpin } from "../components/PageSpin.tsx";
import { useHeaderToolsWanted } from "./headerTools.ts";
import { canSeeDashboard } from "../features/dashboard/access.ts";
import { dash } from "../strings/dashboard.ts";
import { shell } from "../strings/shell.ts";
import { ConnectionIndicator } from "./ConnectionIndicator.tsx";
import { navClass } from "./navClass.ts";

// The bell, the user menu and the narrow-screen drawer come after the page: a phone that opened a
// forum from a QR code can type its question before their popovers, lists and menus have arrived.
// The bell and the menu are not even asked for until the page can be used (headerTools.ts).
const Bell = lazy(() => import("../features/notifications/Bell.tsx").then((m) => ({ default: m.Bell })));
const UserMenu = lazy(() => import("./UserMenu.tsx").then((m) => ({ default: m.UserMenu })));
const NavDrawer = lazy(() => import("./NavDrawer.tsx").then((m) => ({ default: m.NavDrawer })));

/** Header (product name, the four areas, connection, bell, user menu) around the signed-in pages. */
export function AppLayout() {
  const user = useCurrentUser();
  const location = useLocation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [drawerUsed, setDrawerUsed] = useState(false);
  const dashboard = canSeeDashboard(user);
  const toolsWanted = useHeaderToolsWanted();

  // a link chosen in the drawer navigates; close the drawer behind it
  // biome-ignore lint/correctness/useExhaustiveDependencies: the navigation itself is the event
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  return (
    // plain elements, not antd's Layout: it brings its Sider along, and this is on every cold load
    <div className="app">
      <a className="skip-link" href="#main">
        跳到主要内容
      </a>
      <header className="app-header">
        <Button
          className="nav-toggle"
          type="text"
          icon={<MenuOutlined />}
          aria-label={shell.nav.openMenu}
          aria-expanded={drawerOpen}
          aria-controls="nav-drawer"
          onClick={() => {
            setDrawerUsed(true);
            setDrawerOpen(true);
          }}
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
          {/* the bell and the menu may fail to load while the server is away; the header stays */}
          {toolsWanted && (
            <LoadGuard loading={null} failed={null}>
              <Bell />
              <UserMenu user={user} />
            </LoadGuard>
          )}
        </div>
      </header>

      {/* mounted once first opened, so its code loads only on a narrow screen that asks for it */}
      {drawerUsed && (
        <LoadGuard loading={null} resetKey={String(drawerOpen)}>
          <NavDrawer open={drawerOpen} onClose={() => setDrawerOpen(false)} dashboard={dashboard} />
        </LoadGuard>
      )}

      <main id="main" className="app-main" tabIndex={-1}>
        <LoadGuard loading={<PageSpin />} resetKey={location.pathname}>
          <Outlet />
        </LoadGuard>
      </main>
    </div>
  );
}
