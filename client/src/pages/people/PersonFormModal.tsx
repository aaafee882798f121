import { useEffect } from "react";
import { DatePicker, Form, Input, Modal, Select, Switch } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import type { User } from "../../../../shared/auth.ts";
import {
  FLAG_LABELS,
  FLAGS,
  type Flag,
  LEVEL_LABELS,
  LEVELS,
  type Level,
  ROLE_LABELS,
  type Role,
} from "../../../../shared/vocabulary.ts";
import { LIMITS } from "../../../../shared/limits.ts";
import { useCurrentUser } from "../../auth.tsx";
import { CommunitySelect } from "../../components/CommunitySelect.tsx";
import { useOrg } from "../../org.ts";
import { grantableRoles } from "../../roles.ts";
import { accounts } from "../../strings/accounts.ts";

export interface PersonValues {
  username: string;
  displayName: string;
  roles: Role[];
  flags: Flag[];
  communityId: string | null;
  streetId: string | null;
  phone: string | null;
  hireDate: string | null;
  level: Level;
  partyMember: boolean;
}

type FormShape = Omit<PersonValues, "hireDate" | "phone"> & { hireDate: Dayjs | null; phone: string };

/** Create (no `person`) or edit one person: roles and flags as multi-selects, community, street, phone, hire date. */
export function PersonFormModal({
  open,
  person,
  saving,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  person: User | null;
  saving: boolean;
  onCancel: () => void;
  onSubmit: (values: PersonValues) => void;
}) {
  const me = useCurrentUser();
  const { data: streets } = useOrg();
  const [form] = Form.useForm<FormShape>();
  const roles = Form.useWatch("roles", form) ?? [];
  const t = accounts.people.form;
  const grantable = grantableRoles(me);

  useEffect(() => {
    if (!open) return;
    form.setFieldsValue(
      person
        ? { ...person, phone: person.phone ?? "", hireDate: person.hireDate ? dayjs(person.hireDate) : null }
        : {
            username: "",
            displayName: "",
            roles: ["worker"],
            flags: [],
            communityId: null,
            streetId: null,
            phone: "",
            hireDate: null,
            level: "novice",
            partyMember: false,
          },
    );
  }, [open, person, form]);

  const finish = (v: FormShape) =>
    onSubmit({
      ...v,
      username: v.username?.trim() ?? "",
      phone: v.phone?.trim() ? v.phone.trim() : null,
      hireDate: v.hireDate ? v.hireDate.format("YYYY-MM-DD") : null,
      streetId: v.roles.includes("street_admin") ? v.streetId : (v.streetId ?? null),
    });

  return (
    <Modal
      open={open}
      title={person ? t.editTitle(person.displayName) : t.createTitle}
      okText={accounts.people.save}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={saving}
      destroyOnHidden
      forceRender
    >
      <Form<FormShape> form={form} layout="vertical" requiredMark={false} onFinish={finish} disabled={saving}>
        {!person && (
          <Form.Item
            label={t.username}
            name="username"
            extra={t.usernameHelp}
            rules={[{ required: true, pattern: /^[a-zA-Z0-9_.-]{3,32}$/, message: t.usernameHelp }]}
          >
            <Input autoComplete="off" maxLength={LIMITS.usernameMax} />
          </Form.Item>
        )}
        <Form.Item label={t.displayName} name="displayName" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={LIMITS.displayNameMax} />
        </Form.Item>
        <Form.Item
          label={t.roles}
          name="roles"
          rules={[{ required: true, type: "array", min: 1, message: t.rolesRequired }]}
        >
          <Select<Role[]>
            mode="multiple"
            showSearch={{ optionFilterProp: "label" }}
            aria-label={t.roles}
            options={grantable.map((role) => ({ value: role, label: ROLE_LABELS[role] }))}
          />
        </Form.Item>
        <Form.Item label={t.flags} name="flags">
          <Select<Flag[]>
            mode="multiple"
            showSearch={{ optionFilterProp: "label" }}
            aria-label={t.flags}
            options={FLAGS.map((flag) => ({ value: flag, label: FLAG_LABELS[flag] }))}
          />
        </Form.Item>
        <Form.Item label={t.community} name="communityId">
          <CommunitySelect aria-label={t.community} />
        </Form.Item>
        {roles.includes("street_admin") && (
          <Form.Item
            label={t.street}
            name="streetId"
            extra={t.streetHelp}
            rules={[{ required: true, message: t.streetHelp }]}
          >
            <Select aria-label={t.street} options={(streets ?? []).map((s) => ({ value: s.id, label: s.name }))} />
          </Form.Item>
        )}
        <Form.Item label={t.phone} name="phone">
          <Input inputMode="tel" maxLength={20} />
        </Form.Item>
        <Form.Item label={t.hireDate} name="hireDate">
          <DatePicker style={{ width: "100%" }} aria-label={t.hireDate} />
        </Form.Item>
        <Form.Item label={t.level} name="level">
          <Select
            aria-label={t.level}
            options={LEVELS.map((level) => ({ value: level, label: LEVEL_LABELS[level] }))}
          />
        </Form.Item>
        <Form.Item label={t.partyMember} name="partyMember" valuePropName="checked">
          <Switch aria-label={t.partyMember} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
