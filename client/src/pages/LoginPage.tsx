import { useEffect, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Form, Input } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import type { Login, User } from "../../../shared/auth.ts";
import { LIMITS } from "../../../shared/limits.ts";
import { api, ApiError } from "../api.ts";
import { ME_QUERY_KEY, safeNext, useMe } from "../auth.tsx";
import { PageSpin } from "../components/PageSpin.tsx";
import { shell } from "../strings/shell.ts";
import { AuthCard } from "./AuthCard.tsx";
import { useDocumentTitle } from "../documentTitle.ts";

type LoginError = { kind: "message"; text: string } | { kind: "rateLimited"; until: number | null };

function toLoginError(err: unknown): LoginError {
  if (err instanceof ApiError) {
    if (err.code === "invalid_credentials") return { kind: "message", text: shell.login.invalidCredentials };
    if (err.code === "account_disabled") return { kind: "message", text: shell.login.accountDisabled };
    if (err.status === 429) {
      return { kind: "rateLimited", until: err.retryAfter != null ? Date.now() + err.retryAfter * 1000 : null };
    }
    return { kind: "message", text: err.message };
  }
  return { kind: "message", text: shell.httpErrors.other };
}

/** Seconds left until `until`, ticking once a second. */
function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until == null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return until == null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export function LoginPage() {
  useDocumentTitle(shell.titles.login);
  const me = useMe();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<LoginError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const secondsLeft = useCountdown(error?.kind === "rateLimited" ? error.until : null);
  const locked = error?.kind === "rateLimited" && error.until != null && secondsLeft > 0;

  if (me.data) return <Navigate to={next} replace />;
  if (me.isPending) return <PageSpin />;

  const onFinish = async (values: Login) => {
    setSubmitting(true);
    setError(null);
    try {
      const { user } = await api<{ user: User }>("/api/auth/login", { method: "POST", body: values });
      queryClient.setQueryData(ME_QUERY_KEY, user);
      navigate(next, { replace: true });
    } catch (err) {
      setError(toLoginError(err));
    } finally {
      setSubmitting(false);
    }
  };

  let errorText: string | null = null;
  if (error?.kind === "message") errorText = error.text;
  else if (error?.kind === "rateLimited") {
    errorText =
      error.until == null ? shell.login.rateLimitedNoWait : locked ? shell.login.rateLimited(secondsLeft) : null;
  }

  return (
    <AuthCard title={shell.login.title} subtitle={shell.login.subtitle}>
      <div aria-live="assertive" className="auth-error-slot">
        {errorText && (
          <Alert type="error" showIcon title={errorText} className="auth-error" data-testid="login-error" />
        )}
      </div>
      <Form<Login> layout="vertical" onFinish={onFinish} requiredMark={false} size="large" disabled={submitting}>
        <Form.Item
          label={shell.login.username}
          name="username"
          rules={[{ required: true, whitespace: true, message: shell.login.usernameRequired }]}
        >
          <Input
            prefix={<UserOutlined aria-hidden="true" />}
            autoComplete="username"
            maxLength={LIMITS.usernameMax}
            autoFocus
          />
        </Form.Item>
        <Form.Item
          label={shell.login.password}
          name="password"
          rules={[{ required: true, message: shell.login.passwordRequired }]}
        >
          <Input.Password
            prefix={<LockOutlined aria-hidden="true" />}
            autoComplete="current-password"
            maxLength={LIMITS.passwordMax}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={submitting} disabled={locked}>
          {shell.login.submit}
        </Button>
      </Form>
      <p className="auth-switch">
        {shell.login.noAccount}{" "}
        <Link to={`/register${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}>{shell.login.toRegister}</Link>
      </p>
    </AuthCard>
  );
}
