import { useState } from "react";
import { Alert, App as AntApp, Button, Card, Descriptions, Form, Input } from "antd";
import type { ChangePassword } from "../../../shared/auth.ts";
import { LEVEL_LABELS, ROLE_LABELS } from "../../../shared/vocabulary.ts";
import { LIMITS } from "../../../shared/limits.ts";
import { api, ApiError } from "../api.ts";
import { useCurrentUser, withSessionRotation } from "../auth.tsx";
import { useCommunityIndex } from "../org.ts";
import { shell } from "../strings/shell.ts";

type PasswordForm = ChangePassword & { confirm: string };

export default function AccountPage() {
  const user = useCurrentUser();
  const communities = useCommunityIndex();
  const community = user.communityId ? communities.get(user.communityId) : undefined;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const a = shell.account;

  const onFinish = async ({ currentPassword, newPassword }: PasswordForm) => {
    setSubmitting(true);
    setError(null);
    try {
      // the server ends all this user's sessions and hands this browser a new one
      await withSessionRotation(() =>
        api("/api/auth/password", { method: "POST", body: { currentPassword, newPassword } satisfies ChangePassword }),
      );
      form.resetFields();
      void message.success(a.success);
    } catch (err) {
      if (err instanceof ApiError && err.code === "invalid_credentials") setError(a.wrongCurrent);
      else if (err instanceof ApiError && err.status === 429 && err.retryAfter != null) setError(shell.login.rateLimited(err.retryAfter));
      else setError(err instanceof ApiError ? err.message : shell.httpErrors.other);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="page page-narrow">
      <h1 className="page-title">{a.title}</h1>
      <Card title={a.profile} className="stack-gap">
        <Descriptions column={1} size="small">
          <Descriptions.Item label={a.displayName}>{user.displayName}</Descriptions.Item>
          <Descriptions.Item label={a.username}>{user.username}</Descriptions.Item>
          <Descriptions.Item label={shell.home.role}>{ROLE_LABELS[user.role]}</Descriptions.Item>
          <Descriptions.Item label={shell.home.level}>{LEVEL_LABELS[user.level]}</Descriptions.Item>
          <Descriptions.Item label={shell.home.community}>
            {community ? `${community.streetName} · ${community.name}` : shell.home.noCommunity}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={<h2 className="card-heading">{a.changePassword}</h2>}>
        <div aria-live="assertive">{error && <Alert type="error" showIcon title={error} className="stack-gap" />}</div>
        <Form<PasswordForm> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} disabled={submitting}>
          <Form.Item label={a.currentPassword} name="currentPassword" rules={[{ required: true, message: a.currentRequired }]}>
            <Input.Password autoComplete="current-password" maxLength={LIMITS.passwordMax} />
          </Form.Item>
          <Form.Item
            label={a.newPassword}
            name="newPassword"
            rules={[
              { required: true, message: a.newRequired },
              { min: LIMITS.passwordMin, message: shell.register.passwordMin(LIMITS.passwordMin) },
            ]}
          >
            <Input.Password autoComplete="new-password" maxLength={LIMITS.passwordMax} />
          </Form.Item>
          <Form.Item
            label={a.confirmPassword}
            name="confirm"
            dependencies={["newPassword"]}
            rules={[
              { required: true, message: shell.register.confirmRequired },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || getFieldValue("newPassword") === value ? Promise.resolve() : Promise.reject(new Error(a.mismatch)),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" maxLength={LIMITS.passwordMax} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={submitting}>
            {a.submit}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
