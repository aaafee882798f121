import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App as AntApp, Button, Card, Descriptions, Form, Input, Tag } from "antd";
import type { ChangePassword, OwnAccountPatch, User } from "../../../shared/auth.ts";
import { FLAG_LABELS, LEVEL_LABELS, ROLE_LABELS } from "../../../shared/vocabulary.ts";
import { LIMITS } from "../../../shared/limits.ts";
import { api, ApiError } from "../api.ts";
import { ME_QUERY_KEY, useCurrentUser, withSessionRotation } from "../auth.tsx";
import { PasswordFields } from "../components/PasswordFields.tsx";
import { useCommunityIndex, useOrg } from "../org.ts";
import { accounts } from "../strings/accounts.ts";
import { shell } from "../strings/shell.ts";
import { MyTrainingCard } from "../features/trainings/MyTrainingCard.tsx";
import { useDocumentTitle } from "../documentTitle.ts";
import { MyCommitmentsCard } from "../features/forums/Commitments.tsx";
import { hasRole } from "../roles.ts";

type PasswordForm = ChangePassword & { confirm: string };
type ProfileForm = { displayName: string; phone: string };

/** The person's own account: everything the system holds about them, their name and phone, their password. */
export default function AccountPage() {
  useDocumentTitle(shell.account.title);
  const user = useCurrentUser();
  const a = shell.account;
  return (
    <div className="page page-narrow">
      <h1 className="page-title">{a.title}</h1>
      <HeldData user={user} />
      <MyTrainingCard />
      {/* 承诺事项 are a secretary's; anyone else sees the card only if they somehow hold one */}
      <MyCommitmentsCard hideWhenEmpty={!hasRole(user, "secretary")} />
      <ProfileCard user={user} />
      <PasswordCard />
    </div>
  );
}

function HeldData({ user }: { user: User }) {
  const communities = useCommunityIndex();
  const { data: streets } = useOrg();
  const community = user.communityId ? communities.get(user.communityId) : undefined;
  const street = streets?.find((s) => s.id === user.streetId);
  const t = accounts.account;
  return (
    <Card title={<h2 className="card-heading">{t.held}</h2>} className="stack-gap">
      <p className="muted">{t.heldHelp}</p>
      <Descriptions column={1} size="small" data-testid="held-data">
        <Descriptions.Item label={shell.account.displayName}>{user.displayName}</Descriptions.Item>
        <Descriptions.Item label={shell.account.username}>{user.username}</Descriptions.Item>
        <Descriptions.Item label={t.roles}>
          {user.roles.map((role) => (
            <Tag key={role}>{ROLE_LABELS[role]}</Tag>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t.flags}>
          {user.flags.length ? user.flags.map((flag) => <Tag key={flag}>{FLAG_LABELS[flag]}</Tag>) : t.none}
        </Descriptions.Item>
        <Descriptions.Item label={shell.home.level}>{LEVEL_LABELS[user.level]}</Descriptions.Item>
        <Descriptions.Item label={shell.home.community}>
          {community ? `${community.streetName} · ${community.name}` : shell.home.noCommunity}
        </Descriptions.Item>
        {user.streetId && <Descriptions.Item label={t.street}>{street?.name ?? user.streetId}</Descriptions.Item>}
        <Descriptions.Item label={t.phone}>{user.phone ?? t.none}</Descriptions.Item>
        <Descriptions.Item label={t.hireDate}>{user.hireDate ?? t.none}</Descriptions.Item>
        <Descriptions.Item label={t.partyMember}>{user.partyMember ? t.yes : t.no}</Descriptions.Item>
        <Descriptions.Item label={t.createdAt}>{new Date(user.createdAt).toLocaleString("zh-CN")}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function ProfileCard({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const t = accounts.account;
  const save = useMutation({
    mutationFn: (patch: OwnAccountPatch) =>
      api<{ user: User }>("/api/me", { method: "PATCH", body: patch }).then((r) => r.user),
    onSuccess: (updated) => {
      queryClient.setQueryData(ME_QUERY_KEY, updated);
      void message.success(t.saved);
    },
  });
  const onFinish = ({ displayName, phone }: ProfileForm) =>
    save.mutate({ displayName: displayName.trim(), phone: phone.trim() ? phone.trim() : null });
  return (
    <Card title={<h2 className="card-heading">{t.editProfile}</h2>} className="stack-gap">
      {save.isError && (
        <Alert
          type="error"
          showIcon
          className="stack-gap"
          title={save.error instanceof ApiError ? save.error.message : shell.httpErrors.other}
        />
      )}
      <Form<ProfileForm>
        layout="vertical"
        requiredMark={false}
        initialValues={{ displayName: user.displayName, phone: user.phone ?? "" }}
        onFinish={onFinish}
        disabled={save.isPending}
      >
        <Form.Item
          label={shell.account.displayName}
          name="displayName"
          rules={[{ required: true, whitespace: true, message: shell.register.displayNameRequired }]}
        >
          <Input maxLength={LIMITS.displayNameMax} autoComplete="name" />
        </Form.Item>
        <Form.Item label={t.phone} name="phone">
          <Input inputMode="tel" autoComplete="tel" maxLength={20} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t.saveProfile}
        </Button>
      </Form>
    </Card>
  );
}

function PasswordCard() {
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
      else if (err instanceof ApiError && err.status === 429 && err.retryAfter != null)
        setError(shell.login.rateLimited(err.retryAfter));
      else setError(err instanceof ApiError ? err.message : shell.httpErrors.other);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card title={<h2 className="card-heading">{a.changePassword}</h2>}>
      <div aria-live="assertive">{error && <Alert type="error" showIcon title={error} className="stack-gap" />}</div>
      <Form<PasswordForm> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} disabled={submitting}>
        <PasswordFields currentLabel={a.currentPassword} />
        <Button type="primary" htmlType="submit" loading={submitting}>
          {a.submit}
        </Button>
      </Form>
    </Card>
  );
}
