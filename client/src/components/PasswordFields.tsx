import { Form, Input } from "antd";
import { LIMITS } from "../../../shared/limits.ts";
import { accounts } from "../strings/accounts.ts";
import { shell } from "../strings/shell.ts";

/** Current, new and confirm fields with the district's rule (≥ 8 characters, letters and digits). */
export function PasswordFields({ currentLabel }: { currentLabel: string }) {
  const a = shell.account;
  return (
    <>
      <Form.Item label={currentLabel} name="currentPassword" rules={[{ required: true, message: a.currentRequired }]}>
        <Input.Password autoComplete="current-password" maxLength={LIMITS.passwordMax} />
      </Form.Item>
      <Form.Item
        label={a.newPassword}
        name="newPassword"
        extra={accounts.account.passwordRule}
        rules={[
          { required: true, message: a.newRequired },
          { min: LIMITS.passwordMin, message: shell.register.passwordMin(LIMITS.passwordMin) },
          { pattern: /(?=.*[A-Za-z])(?=.*\d)/, message: accounts.account.passwordRule },
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
              !value || getFieldValue("newPassword") === value
                ? Promise.resolve()
                : Promise.reject(new Error(a.mismatch)),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" maxLength={LIMITS.passwordMax} />
      </Form.Item>
    </>
  );
}
