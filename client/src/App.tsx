import { lazy } from "react";
import { Route, Routes } from "react-router";
import { RequireAuth, RequireRole, SessionWatcher } from "./auth.tsx";
import { LoadGuard } from "./components/LoadGuard.tsx";
import { PageSpin } from "./components/PageSpin.tsx";
import { joinEarly } from "./features/forums/earlyJoin.ts";
import { openGuestCodeEarly } from "./features/guests/guestCode.ts";
import { openedOnRoom } from "./layout/headerTools.ts";
import { lazyPage } from "./lazyPage.ts";
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
// The pages people open cold (sign-in, a forum's QR code, a ballot code) are `lazyPage`s: their code
// is fetched at boot and they render in the first pass once it is here (see firstScreen below).
const LoginPage = lazyPage(
  () => import("./pages/LoginPage.tsx"),
  (m) => m.LoginPage,
);
const AppLayout = lazyPage(
  () => import("./layout/AppLayout.tsx"),
  (m) => m.AppLayout,
);
const HomePage = lazy(() => import("./pages/HomePage.tsx").then((m) => ({ default: m.HomePage })));
const RegisterPage = lazy(() => import("./pages/RegisterPage.tsx").then((m) => ({ default: m.RegisterPage })));
const NotFoundPage = lazy(() => import("./pages/NotFoundPage.tsx").then((m) => ({ default: m.NotFoundPage })));
const ForumsArea = lazyPage(
  () => import("./features/forums/index.tsx"),
  (m) => m.default,
);
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
const GuestCodePage = lazyPage(
  () => import("./features/guests/GuestCodePage.tsx"),
  (m) => m.GuestCodePage,
);
const GuestVenuePage = lazyPage(
  () => import("./features/guests/GuestVenuePage.tsx"),
  (m) => m.GuestVenuePage,
);
const WordsPage = lazy(() => import("./features/moderation/WordsPage.tsx"));
const DashboardPage = lazy(() => import("./features/dashboard/index.tsx"));

// What the first screen will need starts now, beside the session check, rather than after it: a
// phone that scanned a forum's QR code waits for one round of requests, not three. The realtime
// connection opens at once too; its handshake is checked against the session cookie, and a
// refusal (signed out) is handled by SessionWatcher like any other. A ballot code in the address
// is redeemed at once as well.
const firstPath = window.location.pathname;
const firstCode: Promise<unknown>[] = [];
if (!/^\/(login|register|change-password|g\/|v\/)/.test(firstPath)) {
  firstCode.push(AppLayout.preload());
  connectSocket();
}
if (firstPath.startsWith("/forums/")) firstCode.push(ForumsArea.preload().then((m) => m.openedPageLoaded));
// a forum's QR code: the room is joined as soon as the connection is up (earlyJoin.ts)
const roomId = openedOnRoom ? firstPath.split("/")[2] : undefined;
if (roomId) firstCode.push(joinEarly(roomId));
if (firstPath === "/login") firstCode.push(LoginPage.preload());
if (firstPath.startsWith("/g/")) firstCode.push(GuestCodePage.preload());
if (firstPath.startsWith("/v/")) firstCode.push(GuestVenuePage.preload());
// only what looks like a code: a mangled address (a broken %-escape would make decodeURIComponent
// throw here, before anything renders) is left to the page, which shows why the code failed
const guestCode = /^\/g\/([A-Za-z0-9]{4,20})$/.exec(firstPath)?.[1];
if (guestCode) firstCode.push(openGuestCodeEarly(guestCode));

/**
 * Settles once the code of the page this load began on is here (or failed to come), and for a
 * forum's room once the early join has its answer: main.tsx renders then, so that page renders in
 * one pass, with the room, instead of suspending once per part and joining after.
 */
export const firstScreen: Promise<unknown> = Promise.allSettled(firstCode);

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
