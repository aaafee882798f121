import { useMemo, useState } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  App as AntApp,
  Button,
  Card,
  Empty,
  Grid,
  Input,
  List,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  type TableColumnsType,
} from "antd";
import { PlusOutlined } from "@ant-design/icons";
import type { CreatedUser, PasswordReset, User, UserPatch } from "../../../shared/auth.ts";
import { FLAG_LABELS, ROLE_LABELS, ROLES, type Role } from "../../../shared/vocabulary.ts";
import { api, ApiError } from "../api.ts";
import { ME_QUERY_KEY, useCurrentUser } from "../auth.tsx";
import { useCommunityIndex, useOrg } from "../org.ts";
import { isOrganiser, managedStreet, mayManage } from "../roles.ts";
import { accounts } from "../strings/accounts.ts";
import { shell } from "../strings/shell.ts";
import { type Handover, PasswordHandover } from "./people/PasswordHandover.tsx";
import { PersonFormModal, type PersonValues } from "./people/PersonFormModal.tsx";
import { useDocumentTitle } from "../documentTitle.ts";

export const USERS_QUERY_KEY = ["users"] as const;

const roleOptions = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

/**
 * 人员管理: organisers see the district, a street admin their street (the server scopes the list).
 * A table on wide screens, one card per person on phones.
 */
export default function AdminUsersPage() {
  useDocumentTitle(shell.admin.title);
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const communities = useCommunityIndex();
  const { data: streets } = useOrg();
  const screens = Grid.useBreakpoint();
  const [search, setSearch] = useState("");
  const [roleFilter, setRoleFilter] = useState<Role | null>(null);
  const [editing, setEditing] = useState<User | "new" | null>(null);
  const [handover, setHandover] = useState<Handover | null>(null);
  const t = shell.admin;
  const p = accounts.people;
  const ownStreet = isOrganiser(me) ? null : managedStreet(me);
  const streetName = (id: string | null) => streets?.find((s) => s.id === id)?.name ?? id ?? "";

  const users = useQuery({
    queryKey: USERS_QUERY_KEY,
    queryFn: ({ signal }) => api<{ users: User[] }>("/api/users", { signal }).then((r) => r.users),
  });
  const showError = (err: unknown) =>
    void message.error(err instanceof ApiError ? err.message : shell.httpErrors.other);
  const replace = (user: User) => {
    queryClient.setQueryData<User[]>(USERS_QUERY_KEY, (list) => list?.map((u) => (u.id === user.id ? user : u)));
    if (user.id === me.id) queryClient.setQueryData(ME_QUERY_KEY, user);
  };

  const patch = useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: UserPatch }) =>
      api<{ user: User }>(`/api/users/${encodeURIComponent(id)}`, { method: "PATCH", body: changes }).then(
        (r) => r.user,
      ),
    onSuccess: (user) => {
      replace(user);
      setEditing(null);
      void message.success(t.saved);
    },
    onError: showError,
  });
  const create = useMutation({
    mutationFn: (values: PersonValues) => api<CreatedUser>("/api/users", { method: "POST", body: values }),
    onSuccess: ({ user, initialPassword }) => {
      queryClient.setQueryData<User[]>(USERS_QUERY_KEY, (list) => [...(list ?? []), user]);
      setEditing(null);
      setHandover({
        kind: "created",
        displayName: user.displayName,
        username: user.username,
        password: initialPassword,
      });
    },
    onError: showError,
  });
  const reset = useMutation({
    mutationFn: (user: User) =>
      api<PasswordReset>(`/api/users/${encodeURIComponent(user.id)}/reset-password`, { method: "POST" }).then((r) => ({
        user,
        r,
      })),
    onSuccess: ({ user, r }) =>
      setHandover({
        kind: "reset",
        displayName: user.displayName,
        username: user.username,
        password: r.temporaryPassword,
      }),
    onError: showError,
  });
  const busyId = patch.isPending ? patch.variables?.id : reset.isPending ? reset.variables?.id : undefined;

  const submit = (values: PersonValues) => {
    if (editing === "new") return create.mutate(values);
    if (!editing) return;
    const { username: _username, ...changes } = values;
    patch.mutate({ id: editing.id, changes });
  };

  const filtered = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (users.data ?? []).filter(
      (u) =>
        (!roleFilter || u.roles.includes(roleFilter)) &&
        (!q || u.displayName.toLowerCase().includes(q) || u.username.toLowerCase().includes(q)),
    );
  }, [users.data, search, roleFilter]);

  const community = (u: User) => {
    const c = u.communityId ? communities.get(u.communityId) : undefined;
    return c ? `${c.streetName} · ${c.name}` : u.streetId ? streetName(u.streetId) : t.noCommunity;
  };
  const roleTags = (u: User) =>
    u.roles.map((role) => (
      <Tag
        key={role}
        color={role === "admin" || role === "organiser" ? "red" : role === "street_admin" ? "orange" : "blue"}
      >
        {ROLE_LABELS[role]}
      </Tag>
    ));
  const flagTags = (u: User) => u.flags.map((flag) => <Tag key={flag}>{FLAG_LABELS[flag]}</Tag>);
  const actions = (u: User) =>
    mayManage(me, u) ? (
      <Space size="small" wrap>
        <Button
          size="small"
          onClick={() => setEditing(u)}
          disabled={busyId === u.id}
          aria-label={`${p.edit} ${u.displayName}`}
        >
          {p.edit}
        </Button>
        {u.id !== me.id && (
          <Popconfirm
            title={p.resetConfirm(u.displayName)}
            okText={shell.common.confirm}
            cancelText={shell.common.cancel}
            onConfirm={() => reset.mutate(u)}
          >
            <Button size="small" disabled={busyId === u.id} aria-label={`${p.resetPassword} ${u.displayName}`}>
              {p.resetPassword}
            </Button>
          </Popconfirm>
        )}
        {u.id !== me.id && (
          <Popconfirm
            title={u.disabled ? t.enableConfirm(u.displayName) : t.disableConfirm(u.displayName)}
            okText={shell.common.confirm}
            cancelText={shell.common.cancel}
            onConfirm={() => patch.mutate({ id: u.id, changes: { disabled: !u.disabled } })}
          >
            <Button size="small" danger={!u.disabled} disabled={busyId === u.id}>
              {u.disabled ? t.enable : t.disable}
            </Button>
          </Popconfirm>
        )}
      </Space>
    ) : null;
  const nameCell = (u: User) => (
    <span>
      {u.displayName}
      {u.id === me.id && <span className="muted">{t.self}</span>}
      {u.disabled && <Tag className="tag-after">{t.disabled}</Tag>}
    </span>
  );

  const c = t.columns;
  const columns: TableColumnsType<User> = [
    {
      title: c.displayName,
      key: "displayName",
      fixed: "left",
      width: 130,
      sorter: (a, b) => a.displayName.localeCompare(b.displayName, "zh-CN"),
      render: (_, u) => nameCell(u),
    },
    { title: c.username, dataIndex: "username", width: 120, sorter: (a, b) => a.username.localeCompare(b.username) },
    { title: p.columns.roles, key: "roles", width: 180, render: (_, u) => roleTags(u) },
    { title: p.columns.flags, key: "flags", width: 160, render: (_, u) => flagTags(u) },
    { title: p.columns.community, key: "community", width: 180, render: (_, u) => community(u) },
    { title: p.columns.phone, dataIndex: "phone", width: 120, render: (phone: string | null) => phone ?? "" },
    { title: p.columns.actions, key: "actions", width: 230, render: (_, u) => actions(u) },
  ];

  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">{ownStreet ? p.titleStreet(streetName(ownStreet)) : p.title}</h1>
        <Space wrap>
          {isOrganiser(me) && <Link to="/admin/audit">{p.auditLink}</Link>}
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>
            {p.create}
          </Button>
        </Space>
      </div>
      <div className="admin-filters stack-gap">
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
      {users.isError ? (
        <p role="alert" className="error-text">
          {users.error instanceof ApiError ? users.error.message : shell.common.loadFailed}{" "}
          <Button onClick={() => void users.refetch()}>{shell.common.retry}</Button>
        </p>
      ) : screens.md === false ? (
        <List<User>
          data-testid="users-cards"
          loading={users.isLoading}
          dataSource={filtered}
          locale={{ emptyText: <Empty description={t.empty} /> }}
          pagination={{ pageSize: 20, simple: true, hideOnSinglePage: true }}
          renderItem={(u) => (
            <List.Item>
              <Card
                size="small"
                className={`person-card${u.disabled ? " row-disabled" : ""}`}
                title={nameCell(u)}
                extra={<span className="muted">{u.username}</span>}
              >
                <div>
                  {roleTags(u)}
                  {flagTags(u)}
                </div>
                <div className="muted">
                  {community(u)}
                  {u.phone ? ` · ${u.phone}` : ""}
                </div>
                <div className="person-card-actions">{actions(u)}</div>
              </Card>
            </List.Item>
          )}
        />
      ) : (
        <Table<User>
          rowKey="id"
          columns={columns}
          dataSource={filtered}
          loading={users.isLoading}
          size="middle"
          scroll={{ x: 1120 }}
          rowClassName={(user) => (user.disabled ? "row-disabled" : "")}
          locale={{ emptyText: t.empty }}
          pagination={{ pageSize: 50, showSizeChanger: false, showTotal: (n) => t.total(n), hideOnSinglePage: false }}
          data-testid="users-table"
        />
      )}
      <PersonFormModal
        open={editing !== null}
        person={editing === "new" ? null : editing}
        saving={create.isPending || patch.isPending}
        onCancel={() => setEditing(null)}
        onSubmit={submit}
      />
      <PasswordHandover handover={handover} onClose={() => setHandover(null)} />
    </div>
  );
}
