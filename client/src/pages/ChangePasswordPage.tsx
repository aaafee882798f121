import { useState } from "react";
import { Navigate, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App as AntApp, Button, Form } from "antd";
import type { ChangePassword, User } from "../../../shared/auth.ts";
import { api, ApiError } from "../api.ts";
import { ME_QUERY_KEY, useLogout, useMe, withSessionRotation } from "../auth.tsx";
import { PasswordFields } from "../components/PasswordFields.tsx";
import { PageSpin } from "../components/PageSpin.tsx";
import { accounts } from "../strings/accounts.ts";
import { shell } from "../strings/shell.ts";
import { AuthCard } from "./AuthCard.tsx";
import { useDocumentTitle } from "../documentTitle.ts";

type PasswordForm = ChangePassword & { confirm: string };

/**
 * Where someone signed in with an initial or temporary password lands, and the only page they can
 * use: the server refuses everything else (403 password_change_required) until this is done.
 */
export default function ChangePasswordPage() {
  useDocumentTitle(shell.titles.changePassword);
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useLogout();
  const { message } = AntApp.useApp();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const t = accounts.forced;

  if (me.data === undefined) return <PageSpin />;
  if (me.data === null) return <Navigate to="/login" replace />;
  if (!me.data.mustChangePassword) return <Navigate to="/" replace />;

  const onFinish = async ({ currentPassword, newPassword }: PasswordForm) => {
    setSubmitting(true);
    setError(null);
    try {
      await withSessionRotation(() =>
        api("/api/auth/password", { method: "POST", body: { currentPassword, newPassword } satisfies ChangePassword }),
      );
      const { user } = await api<{ user: User }>("/api/me");
      queryClient.setQueryData(ME_QUERY_KEY, user);
      void message.success(t.done);
      navigate("/", { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === "invalid_credentials") setError(shell.account.wrongCurrent);
      else setError(err instanceof ApiError ? err.message : shell.httpErrors.other);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthCard title={t.title} subtitle={t.intro}>
      <div aria-live="assertive">{error && <Alert type="error" showIcon title={error} className="stack-gap" />}</div>
      <Form<PasswordForm> layout="vertical" onFinish={onFinish} requiredMark={false} disabled={submitting}>
        <PasswordFields currentLabel={t.current} />
        <Button type="primary" htmlType="submit" block loading={submitting}>
          {t.submit}
        </Button>
      </Form>
      <Button type="link" block onClick={() => void logout()} className="stack-gap">
        {t.logout}
      </Button>
    </AuthCard>
  );
}
