import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App as AntApp, Button, Input, Popconfirm, Select, Space, Switch, Table, Tag, type TableColumnsType } from "antd";
import type { User, UserPatch } from "../../../shared/auth.ts";
import { LEVEL_LABELS, LEVELS, ROLE_LABELS, ROLES, type Role } from "../../../shared/vocabulary.ts";
import { api, ApiError } from "../api.ts";
import { ME_QUERY_KEY, useCurrentUser } from "../auth.tsx";
import { CommunitySelect } from "../components/CommunitySelect.tsx";
import { useCommunityIndex } from "../org.ts";
import { shell } from "../strings/shell.ts";

export const USERS_QUERY_KEY = ["users"] as const;

const roleOptions = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
const levelOptions = LEVELS.map((level) => ({ value: level, label: LEVEL_LABELS[level] }));

/** Admin: everyone's role, community, level, party membership and whether the account is enabled. */
export default function AdminUsersPage() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const communities = useCommunityIndex();
  const [search, setSearch] = useState("");
  const [roleFilter, setRoleFilter] = useState<Role | null>(null);
  const t = shell.admin;

  const users = useQuery({
    queryKey: USERS_QUERY_KEY,
    queryFn: ({ signal }) => api<{ users: User[] }>("/api/users", { signal }).then((r) => r.users),
  });

  const patch = useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: UserPatch }) =>
      api<{ user: User }>(`/api/users/${encodeURIComponent(id)}`, { method: "PATCH", body: changes }).then((r) => r.user),
    onSuccess: (user) => {
      queryClient.setQueryData<User[]>(USERS_QUERY_KEY, (list) => list?.map((u) => (u.id === user.id ? user : u)));
      if (user.id === me.id) queryClient.setQueryData(ME_QUERY_KEY, user);
      void message.success(t.saved);
    },
    onError: (err) => void message.error(err instanceof ApiError ? err.message : shell.httpErrors.other),
  });
  const save = (user: User, changes: UserPatch) => patch.mutate({ id: user.id, changes });
  const savingId = patch.isPending ? patch.variables?.id : undefined;

  const filtered = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (users.data ?? []).filter(
      (u) =>
        (!roleFilter || u.role === roleFilter) &&
        (!q || u.displayName.toLowerCase().includes(q) || u.username.toLowerCase().includes(q)),
    );
  }, [users.data, search, roleFilter]);

  const c = t.columns;
  const columns: TableColumnsType<User> = [
    {
      title: c.displayName,
      dataIndex: "displayName",
      fixed: "left",
      width: 120,
      sorter: (a, b) => a.displayName.localeCompare(b.displayName, "zh-CN"),
      render: (name: string, user) => (
        <span>
          {name}
          {user.id === me.id && <span className="muted">{t.self}</span>}
        </span>
      ),
    },
    { title: c.username, dataIndex: "username", width: 120, sorter: (a, b) => a.username.localeCompare(b.username) },
    {
      title: c.role,
      dataIndex: "role",
      width: 140,
      render: (role: Role, user) => (
        <Select
          aria-label={`${user.displayName} ${c.role}`}
          value={role}
          options={roleOptions}
          onChange={(value) => save(user, { role: value })}
          disabled={savingId === user.id || user.id === me.id}
          style={{ width: 124 }}
        />
      ),
    },
    {
      title: c.community,
      dataIndex: "communityId",
      width: 210,
      sorter: (a, b) =>
        (communities.get(a.communityId ?? "")?.name ?? "").localeCompare(communities.get(b.communityId ?? "")?.name ?? "", "zh-CN"),
      render: (communityId: string | null, user) => (
        <CommunitySelect
          aria-label={`${user.displayName} ${c.community}`}
          value={communityId}
          onChange={(value) => save(user, { communityId: value })}
          disabled={savingId === user.id}
          placeholder={t.noCommunity}
          style={{ width: 184 }}
        />
      ),
    },
    {
      title: c.level,
      dataIndex: "level",
      width: 110,
      render: (level: User["level"], user) => (
        <Select
          aria-label={`${user.displayName} ${c.level}`}
          value={level}
          options={levelOptions}
          onChange={(value) => save(user, { level: value })}
          disabled={savingId === user.id}
          style={{ width: 94 }}
        />
      ),
    },
    {
      title: c.partyMember,
      dataIndex: "partyMember",
      width: 80,
      render: (partyMember: boolean, user) => (
        <Switch
          aria-label={`${user.displayName} ${c.partyMember}`}
          checked={partyMember}
          checkedChildren={t.yes}
          unCheckedChildren={t.no}
          onChange={(checked) => save(user, { partyMember: checked })}
          disabled={savingId === user.id}
        />
      ),
    },
    {
      title: c.status,
      dataIndex: "disabled",
      width: 170,
      render: (disabled: boolean, user) => (
        <Space size="small" wrap>
          {disabled ? <Tag color="default">{t.disabled}</Tag> : <Tag color="green">{t.enabled}</Tag>}
          {user.id !== me.id && (
            <Popconfirm
              title={disabled ? t.enableConfirm(user.displayName) : t.disableConfirm(user.displayName)}
              okText={shell.common.confirm}
              cancelText={shell.common.cancel}
              onConfirm={() => save(user, { disabled: !disabled })}
            >
              <Button size="small" danger={!disabled} disabled={savingId === user.id}>
                {disabled ? t.enable : t.disable}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">{t.title}</h1>
        <div className="admin-filters">
          <Input.Search
            allowClear
            placeholder={t.search}
            aria-label={t.search}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className="admin-search"
          />
          <Select<Role | null>
            aria-label={t.roleFilter}
            value={roleFilter}
            onChange={(value) => setRoleFilter(value ?? null)}
            options={[{ value: null, label: t.roleFilter }, ...roleOptions]}
            className="admin-role-filter"
          />
        </div>
      </div>
      {users.isError ? (
        <p role="alert" className="error-text">
          {users.error instanceof ApiError ? users.error.message : shell.common.loadFailed}{" "}
          <Button onClick={() => void users.refetch()}>{shell.common.retry}</Button>
        </p>
      ) : (
        <Table<User>
          rowKey="id"
          columns={columns}
          dataSource={filtered}
          loading={users.isLoading}
          size="middle"
          scroll={{ x: 940 }}
          rowClassName={(user) => (user.disabled ? "row-disabled" : "")}
          locale={{ emptyText: t.empty }}
          pagination={{ pageSize: 50, showSizeChanger: false, showTotal: (n) => t.total(n), hideOnSinglePage: false }}
          data-testid="users-table"
        />
      )}
    </div>
  );
}
