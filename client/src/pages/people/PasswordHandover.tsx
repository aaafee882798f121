import { Alert, Button, Modal, Typography } from "antd";
import { accounts } from "../../strings/accounts.ts";

export interface Handover {
  kind: "created" | "reset";
  displayName: string;
  username: string;
  password: string;
}

/**
 * Shows an initial or temporary password once, with a copy button. The password lives only in
 * this component's props: it is dropped from memory when the dialog closes.
 */
export function PasswordHandover({ handover, onClose }: { handover: Handover | null; onClose: () => void }) {
  const t = accounts.people.password;
  return (
    <Modal
      open={!!handover}
      title={handover?.kind === "created" ? t.createdTitle : t.resetTitle}
      onCancel={onClose}
      maskClosable={false}
      destroyOnHidden
      footer={
        <Button type="primary" onClick={onClose}>
          {t.done}
        </Button>
      }
    >
      {handover && (
        <>
          <p>{t.intro(handover.displayName, handover.username)}</p>
          <Typography.Paragraph
            className="password-handover"
            data-testid="handover-password"
            copyable={{ text: handover.password, tooltips: [t.copy, t.copied], icon: undefined }}
          >
            <code>{handover.password}</code>
          </Typography.Paragraph>
          <Alert type="warning" showIcon title={t.once} />
        </>
      )}
    </Modal>
  );
}
