import { lazy } from "react";
import { Route, Routes } from "react-router";
import { RequireAuth, RequireRole, SessionWatcher } from "./auth.tsx";
import { LoadGuard } from "./components/LoadGuard.tsx";
import { PageSpin } from "./components/PageSpin.tsx";
import { openGuestCodeEarly } from "./features/guests/guestCode.ts";
import { connectSocket } from "./socket.ts";

/*
 * Feature engineers: your routes live inside your own `features/<name>/index.tsx`, which is
 * mounted below at `/<name>/*` — declare nested <Routes> there (paths relative to the area),
 * not here. Each area is loaded lazily so its code (editor, PDF viewer, …) stays out of the
 * first load. Shared helpers: `api`/`apiUpload` (api.ts), `getSocket`/`emitWithAck`/
 * `useConnectionState` (socket.ts), `useMe`/`useCurrentUser`/`RequireRole` (auth.tsx).
 */
// The entry is the shell alone; every page, the sign-in form included, is a chunk of its own, so a
// phone that scanned a forum's QR code with a session fetches neither the form nor its validation.
const LoginPage = lazy(() => import("./pages/LoginPage.tsx").then((m) => ({ default: m.LoginPage })));
const loadLayout = () => import("./layout/AppLayout.tsx");
const AppLayout = lazy(() => loadLayout().then((m) => ({ default: m.AppLayout })));
const HomePage = lazy(() => import("./pages/HomePage.tsx").then((m) => ({ default: m.HomePage })));
const RegisterPage = lazy(() => import("./pages/RegisterPage.tsx").then((m) => ({ default: m.RegisterPage })));
const NotFoundPage = lazy(() => import("./pages/NotFoundPage.tsx").then((m) => ({ default: m.NotFoundPage })));
const loadForums = () => import("./features/forums/index.tsx");
const ForumsArea = lazy(loadForums);
const StudiosArea = lazy(() => import("./features/studios/index.tsx"));
const ProposalsArea = lazy(() => import("./features/proposals/index.tsx"));
const QaArea = lazy(() => import("./features/qa/index.tsx"));
const TrainingsArea = lazy(() => import("./features/trainings/index.tsx"));
const GrowthArea = lazy(() => import("./features/growth/index.tsx"));
const AccountPage = lazy(() => import("./pages/AccountPage.tsx"));
const AdminUsersPage = lazy(() => import("./pages/AdminUsersPage.tsx"));
const AuditPage = lazy(() => import("./pages/AuditPage.tsx"));
const ChangePasswordPage = lazy(() => import("./pages/ChangePasswordPage.tsx"));
const RosterImportPage = lazy(() => import("./features/roster/RosterImportPage.tsx"));
const OrgPage = lazy(() => import("./features/roster/OrgPage.tsx"));
const GuestCodePage = lazy(() =>
  import("./features/guests/GuestPages.tsx").then((m) => ({ default: m.GuestCodePage })),
);
const GuestVenuePage = lazy(() =>
  import("./features/guests/GuestPages.tsx").then((m) => ({ default: m.GuestVenuePage })),
);
const WordsPage = lazy(() => import("./features/moderation/WordsPage.tsx"));
const DashboardPage = lazy(() => import("./features/dashboard/index.tsx"));

// What the first screen will need starts now, beside the session check, rather than after it: a
// phone that scanned a forum's QR code waits for one round of requests, not three. The realtime
// connection opens at once too; its handshake is checked against the session cookie, and a
// refusal (signed out) is handled by SessionWatcher like any other. A ballot code in the address
// is redeemed at once as well.
const firstPath = window.location.pathname;
if (!/^\/(login|register|change-password|g\/|v\/)/.test(firstPath)) {
  void loadLayout();
  connectSocket();
}
if (firstPath.startsWith("/forums/")) void loadForums();
// only what looks like a code: a mangled address (a broken %-escape would make decodeURIComponent
// throw here, before anything renders) is left to the page, which shows why the code failed
const guestCode = /^\/g\/([A-Za-z0-9]{4,20})$/.exec(firstPath)?.[1];
if (guestCode) openGuestCodeEarly(guestCode);

export function App() {
  return (
    <>
      <SessionWatcher />
      <Routes>
        <Route
          path="/login"
          element={
            <Lazy>
              <LoginPage />
            </Lazy>
          }
        />
        <Route
          path="/register"
          element={
            <Lazy>
              <RegisterPage />
            </Lazy>
          }
        />
        <Route
          path="/change-password"
          element={
            <Lazy>
              <ChangePasswordPage />
            </Lazy>
          }
        />
        {/* 现场评议: a ballot code opens these without an account */}
        <Route
          path="/g/:code"
          element={
            <Lazy>
              <GuestCodePage />
            </Lazy>
          }
        />
        <Route
          path="/v/:code"
          element={
            <Lazy>
              <GuestVenuePage />
            </Lazy>
          }
        />
        <Route
          element={
            <RequireAuth>
              <Lazy>
                <AppLayout />
              </Lazy>
            </RequireAuth>
          }
        >
          <Route
            index
            element={
              <Lazy>
                <HomePage />
              </Lazy>
            }
          />
          <Route
            path="forums/*"
            element={
              <Lazy>
                <ForumsArea />
              </Lazy>
            }
          />
          <Route
            path="studios/*"
            element={
              <Lazy>
                <StudiosArea />
              </Lazy>
            }
          />
          <Route
            path="proposals/*"
            element={
              <Lazy>
                <ProposalsArea />
              </Lazy>
            }
          />
          <Route
            path="qa/*"
            element={
              <Lazy>
                <QaArea />
              </Lazy>
            }
          />
          <Route
            path="trainings/*"
            element={
              <Lazy>
                <TrainingsArea />
              </Lazy>
            }
          />
          <Route
            path="people/*"
            element={
              <Lazy>
                <GrowthArea />
              </Lazy>
            }
          />
          <Route
            path="account"
            element={
              <Lazy>
                <AccountPage />
              </Lazy>
            }
          />
          <Route
            path="dashboard"
            element={
              <RequireRole roles={["admin", "organiser", "street_admin"]}>
                <Lazy>
                  <DashboardPage />
                </Lazy>
              </RequireRole>
            }
          />
          <Route
            path="admin/users"
            element={
              <RequireRole roles={["admin", "organiser", "street_admin"]}>
                <Lazy>
                  <AdminUsersPage />
                </Lazy>
              </RequireRole>
            }
          />
          <Route
            path="admin/audit"
            element={
              <RequireRole roles={["admin", "organiser"]}>
                <Lazy>
                  <AuditPage />
                </Lazy>
              </RequireRole>
            }
          />
          <Route
            path="admin/roster"
            element={
              <RequireRole roles={["admin", "organiser", "street_admin"]}>
                <Lazy>
                  <RosterImportPage />
                </Lazy>
              </RequireRole>
            }
          />
          <Route
            path="admin/org"
            element={
              <RequireRole roles={["admin", "organiser"]}>
                <Lazy>
                  <OrgPage />
                </Lazy>
              </RequireRole>
            }
          />
          <Route
            path="admin/words"
            element={
              <RequireRole roles={["admin", "organiser"]}>
                <Lazy>
                  <WordsPage />
                </Lazy>
              </RequireRole>
            }
          />
          <Route
            path="*"
            element={
              <Lazy>
                <NotFoundPage />
              </Lazy>
            }
          />
        </Route>
      </Routes>
    </>
  );
}

function Lazy({ children }: { children: React.ReactNode }) {
  return <LoadGuard loading={<PageSpin />}>{children}</LoadGuard>;
}
