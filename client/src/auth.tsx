import { useEffect, type ReactNode } from "react";
import { Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { queryOptions, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { App as AntApp, Button } from "antd";
import { Result } from "./components/LazyResult.tsx";
import type { User } from "../../shared/auth.ts";
import type { ServerToClientEvents } from "../../shared/events.ts";
import type { Role } from "../../shared/vocabulary.ts";
import { api, ApiError, isUnauthorized } from "./api.ts";
import { forgetLastUser, lastUser, rememberLastUser } from "./lastUser.ts";
import { clearLocalCopies } from "./localCopies.ts";
import { connectSocket, disconnectSocket, getSocket } from "./socket.ts";
import { PageSpin } from "./components/PageSpin.tsx";
import { shell } from "./strings/shell.ts";

export const ME_QUERY_KEY = ["me"] as const;

/** Who is signed in: asked by every page as it starts (and by main.tsx before the first render). */
export const meQuery = queryOptions({
  queryKey: ME_QUERY_KEY,
  queryFn: async ({ signal }) => {
    try {
      // /api/session answers `null` rather than 401 when signed out: no console error on the sign-in page
      const { user } = await api<{ user: User | null }>("/api/session", { signal });
      if (user) rememberLastUser(user);
      else forgetLastUser();
      return user;
    } catch (err) {
      // The server can't be reached at all (not: it refused): carry on as the person last signed
      // in here, so the offline shell can show their local copies; every request still fails
      // until the server is back, and then answers for itself.
      const known = err instanceof ApiError && err.code === "network" ? lastUser() : null;
      if (known) return known;
      throw err;
    }
  },
  staleTime: 60_000,
  retry: (count, err) => !isUnauthorized(err) && count < 2,
});

/** The signed-in user: `User`, `null` when not signed in, `undefined` while loading. */
export function useMe(): UseQueryResult<User | null> {
  return useQuery(meQuery);
}

/**
 * The signed-in user inside a `RequireAuth` subtree (where it is guaranteed to be loaded).
 * Throws when used outside one — that is a programming error, not a user state.
 */
export function useCurrentUser(): User {
  const { data } = useMe();
  if (!data) throw new Error("useCurrentUser() used outside <RequireAuth>");
  return data;
}

/** Only same-site paths are accepted as a post-login destination (no open redirect). */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}

export function loginPath(location: { pathname: string; search: string; hash: string }): string {
  const here = location.pathname + location.search + location.hash;
  return here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}

function LoadError({ onRetry }: { onRetry: () => void }) {
  return (
    <Result
      status="warning"
      title={shell.common.loadFailed}
      subTitle={shell.httpErrors.network}
      extra={
        <Button type="primary" onClick={onRetry}>
          {shell.common.retry}
        </Button>
      }
    />
  );
}

/** Renders its children (or the nested routes) only for a signed-in user; else goes to /login?next=… */
export function RequireAuth({ children }: { children?: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.data === undefined) {
    if (me.isError) return <LoadError onRetry={() => void me.refetch()} />;
    return <PageSpin />;
  }
  if (me.data === null) return <Navigate to={loginPath(location)} replace />;
  // An initial or temporary password: the server refuses everything else until it is changed.
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />;
  return <>{children ?? <Outlet />}</>;
}

/** Like RequireAuth, and the user must hold one of `roles`; otherwise a 无权访问 page. */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children?: ReactNode }) {
  return (
    <RequireAuth>
      <RoleGate roles={roles}>{children}</RoleGate>
    </RequireAuth>
  );
}

function RoleGate({ roles, children }: { roles: readonly Role[]; children?: ReactNode }) {
  const user = useCurrentUser();
  const navigate = useNavigate();
  if (!user.roles.some((role) => roles.includes(role))) {
    return (
      <Result
        status="403"
        title={<h1 className="result-title">{shell.forbidden.title}</h1>}
        subTitle={shell.forbidden.description}
        extra={
          <Button type="primary" onClick={() => navigate("/")}>
            {shell.backHome}
          </Button>
        }
      />
    );
  }
  return <>{children ?? <Outlet />}</>;
}

/**
 * Signs out on the server, drops every cached query, closes the realtime connection and deletes
 * this browser's local copies of documents (office PCs are shared).
 */
export function useLogout(): () => Promise<void> {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    try {
      await api("/api/auth/logout", { method: "POST" });
    } catch {
      // signing out locally is what the user asked for, even if the server is unreachable
    }
    disconnectSocket();
    queryClient.clear();
    queryClient.setQueryData(ME_QUERY_KEY, null);
    navigate("/login", { replace: true });
    // After leaving the page: an editor still open holds its database until it unmounts.
    forgetLastUser();
    await clearLocalCopies();
  };
}

type SessionEnded = Parameters<ServerToClientEvents["session:ended"]>[0];

/** The request that is replacing this browser's session right now (see withSessionRotation). */
let pendingRotation: Promise<unknown> | null = null;

/**
 * Runs a request after which the server ends every session of the user and gives this browser
 * a fresh cookie (changing the password). The `session:ended` that reaches this tab meanwhile
 * is then checked against /api/session instead of signing the user out.
 */
export async function withSessionRotation<T>(request: () => Promise<T>): Promise<T> {
  const running = request();
  pendingRotation = running;
  try {
    return await running;
  } finally {
    if (pendingRotation === running) pendingRotation = null;
  }
}

/** Asks the server who this browser is; null when signed out (or the server can't be reached). */
async function fetchMe(): Promise<User | null> {
  try {
    return (await api<{ user: User | null }>("/api/session")).user;
  } catch {
    return null;
  }
}

/**
 * Keeps the realtime connection in step with the session: connected while signed in,
 * closed otherwise. When the server ends a session (account disabled, password changed) or
 * refuses the handshake, the tab asks /api/session whether it is still signed in: if so it just
 * reconnects; if not it drops every cached query and sends the user to sign in again.
 */
export function SessionWatcher() {
  const { data: me } = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  // no realtime connection until an initial or temporary password is changed (the server refuses it)
  const signedIn = Boolean(me) && !me?.mustChangePassword;
  // a guest page of the hall (现场评议) opens the socket itself, as a guest
  const guestPage = isGuestPath(window.location.pathname);

  useEffect(() => {
    // while the session is still being asked about, leave alone a connection opened at boot (App.tsx)
    if (guestPage || me === undefined) return;
    if (signedIn) connectSocket();
    else disconnectSocket();
  }, [signedIn, guestPage, me]);

  useEffect(() => {
    if (guestPage) return;
    const socket = getSocket();
    let _checking: Promise<void> | null = null;

    const recheck = (ended?: SessionEnded) => {
      _checking ??= (async () => {
        if (pendingRotation) await pendingRotation.catch(() => undefined);
        const user = await fetchMe();
        if (user) {
          queryClient.setQueryData(ME_QUERY_KEY, user);
          // the server closed the old connection along with the old session; open a new one
          disconnectSocket();
          connectSocket();
          return;
        }
        const wasSignedIn = Boolean(queryClient.getQueryData(ME_QUERY_KEY));
        disconnectSocket();
        queryClient.clear();
        queryClient.setQueryData(ME_QUERY_KEY, null);
        if (wasSignedIn) {
          void message.warning(ended?.reason === "disabled" ? shell.login.accountDisabled : shell.login.sessionEnded);
          navigate(loginPath(window.location), { replace: true });
        }
      })().finally(() => {
        _checking = null;
      });
    };

    const onConnectError = (err: Error) => {
      if (err.message === "unauthorized") recheck();
    };
    const onDisconnect = (reason: string) => {
      // only the server ends a connection on purpose; network drops reconnect by themselves
      if (reason === "io server disconnect") recheck();
    };
    const onSessionEnded = (ended: SessionEnded) => recheck(ended);
    socket.on("session:ended", onSessionEnded);
    socket.on("connect_error", onConnectError);
    socket.on("disconnect", onDisconnect);
    return () => {
      socket.off("session:ended", onSessionEnded);
      socket.off("connect_error", onConnectError);
      socket.off("disconnect", onDisconnect);
    };
  }, [queryClient, navigate, message, guestPage]);
  return null;
}

/** The pages a ballot code opens without an account: /g/<printed code>, /v/<venue code>. */
export const isGuestPath = (pathname: string) => /^\/(g|v)\//.test(pathname);
