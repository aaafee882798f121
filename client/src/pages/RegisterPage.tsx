import { useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Form, Input } from "antd";
import type { Register, User } from "../../../shared/auth.ts";
import { LIMITS } from "../../../shared/limits.ts";
import { api, ApiError } from "../api.ts";
import { ME_QUERY_KEY, safeNext, useMe } from "../auth.tsx";
import { PageSpin } from "../components/PageSpin.tsx";
import { shell } from "../strings/shell.ts";
import { AuthCard } from "./AuthCard.tsx";
import { useDocumentTitle } from "../documentTitle.ts";

type RegisterForm = Register & { confirm: string };

function registerErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === "registration_closed") return shell.register.closed;
    if (err.status === 409) return shell.register.conflict;
    if (err.status === 429 && err.retryAfter != null) return shell.login.rateLimited(err.retryAfter);
    return err.message;
  }
  return shell.httpErrors.other;
}

export function RegisterPage() {
  useDocumentTitle(shell.titles.register);
  const me = useMe();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (me.data) return <Navigate to={next} replace />;
  if (me.isPending) return <PageSpin />;

  const onFinish = async ({ username, password, displayName }: RegisterForm) => {
    setSubmitting(true);
    setError(null);
    try {
      const { user } = await api<{ user: User }>("/api/auth/register", {
        method: "POST",
        body: { username: username.trim(), password, displayName: displayName.trim() } satisfies Register,
      });
      queryClient.setQueryData(ME_QUERY_KEY, user);
      navigate(next, { replace: true });
    } catch (err) {
      setError(registerErrorText(err));
    } finally {
      setSubmitting(false);
    }
  };

  const r = shell.register;
  return (
    <AuthCard title={r.title} subtitle={r.subtitle}>
      <div aria-live="assertive" className="auth-error-slot">
        {error && <Alert type="error" showIcon title={error} className="auth-error" data-testid="register-error" />}
      </div>
      <Form<RegisterForm> layout="vertical" onFinish={onFinish} requiredMark={false} size="large" disabled={submitting}>
        <Form.Item
          label={r.displayName}
          name="displayName"
          rules={[{ required: true, whitespace: true, message: r.displayNameRequired }, { max: LIMITS.displayNameMax }]}
        >
          <Input autoComplete="name" maxLength={LIMITS.displayNameMax} autoFocus />
        </Form.Item>
        <Form.Item
          label={r.username}
          name="username"
          extra={r.usernameHelp}
          rules={[
            { required: true, whitespace: true, message: shell.login.usernameRequired },
            { min: LIMITS.usernameMin, message: r.usernameMin(LIMITS.usernameMin) },
            { pattern: /^[a-zA-Z0-9_.-]+$/, message: r.usernamePattern },
          ]}
        >
          <Input autoComplete="username" maxLength={LIMITS.usernameMax} />
        </Form.Item>
        <Form.Item
          label={r.password}
          name="password"
          rules={[
            { required: true, message: shell.login.passwordRequired },
            { min: LIMITS.passwordMin, message: r.passwordMin(LIMITS.passwordMin) },
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={LIMITS.passwordMax} />
        </Form.Item>
        <Form.Item
          label={r.confirmPassword}
          name="confirm"
          dependencies={["password"]}
          rules={[
            { required: true, message: r.confirmRequired },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue("password") === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(r.mismatch)),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={LIMITS.passwordMax} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={submitting}>
          {r.submit}
        </Button>
      </Form>
      <p className="auth-switch">
        {r.hasAccount} <Link to={`/login${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}>{r.toLogin}</Link>
      </p>
    </AuthCard>
  );
}
