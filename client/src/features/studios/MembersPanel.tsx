import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App as AntApp, Button, Drawer, Empty, List, Popconfirm, Select, Space, Tag } from "antd";
import type { User } from "../../../../shared/auth.ts";
import type { Studio } from "../../../../shared/studios.ts";
import { api } from "../../api.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { day } from "./format.ts";
import { STUDIOS_KEY } from "./useStudios.ts";
import { useAction } from "../../useAction.ts";

/** Who can be taught in a studio of this kind: 书记 in a mentor studio, 书记后备人选 in a 帮带 one. */
const fits = (kind: Studio["kind"], u: User) =>
  !u.disabled && (kind === "bangdai" ? u.flags.includes("reserve") : u.roles.includes("secretary"));

export const leadLabel = (kind: Studio["kind"]) => (kind === "bangdai" ? t.veteran : t.mentor);
export const taughtLabel = (kind: Studio["kind"]) => (kind === "bangdai" ? t.reserve : t.mentee);

/**
 * 成员管理 (organisers and the studio's street admin): the people in the studio now, those who left,
 * add one by search, take one out after a confirm. The server keeps the rules; their message shows here.
 */
export function MembersPanel({
  studio,
  open,
  onClose,
  onChanged,
}: {
  studio: Studio;
  open: boolean;
  onClose(): void;
  onChanged?(studio: Studio): void;
}) {
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const [picked, setPicked] = useState<string | null>(null);
  const users = useQuery({
    queryKey: ["users"],
    queryFn: async () => (await api<{ users: User[] }>("/api/users")).users,
    enabled: open,
  });
  const inStudio = new Set(studio.members.map((m) => m.userId));
  const candidates = (users.data ?? [])
    .filter((u) => !inStudio.has(u.id) && fits(studio.kind, u))
    .map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }));
  const ended = studio.readOnly;

  // `key` names the button that shows loading: "add", or the member being taken out
  const change = useAction({
    mutationFn: ({ run }: { key: string; run: () => Promise<{ studio: Studio }>; done: string }) => run(),
    onSuccess: ({ studio: updated }, { done }) => {
      void queryClient.invalidateQueries({ queryKey: STUDIOS_KEY });
      onChanged?.(updated);
      void message.success(done);
      setPicked(null);
    },
    // the server's reason stays in the panel (closable) rather than in a passing toast
    onError: () => {},
  });
  const busy = change.isPending ? change.variables.key : null;

  const add = () => {
    if (!picked) return;
    const name = candidates.find((c) => c.value === picked)?.label ?? "";
    change.mutate({
      key: "add",
      run: () => api(`/api/studios/${studio.id}/members`, { method: "POST", body: { userId: picked } }),
      done: t.added(name),
    });
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      placement="right"
      size={Math.min(420, typeof window === "undefined" ? 420 : window.innerWidth)}
      title={`${t.membersTitle} · ${studio.name}`}
      destroyOnHidden
    >
      <div className="studio-members-panel" data-testid="studio-members-panel">
        {ended ? (
          <Alert type="info" showIcon title={t.termOverNoChanges} />
        ) : (
          <>
            <Space.Compact style={{ width: "100%" }}>
              <Select
                showSearch
                allowClear
                value={picked}
                onChange={(v) => setPicked(v ?? null)}
                optionFilterProp="label"
                options={candidates}
                loading={users.isLoading}
                placeholder={studio.kind === "bangdai" ? t.addPlaceholderBangdai : t.addPlaceholderMentor}
                notFoundContent={users.isLoading ? undefined : t.noCandidates}
                aria-label={studio.kind === "bangdai" ? t.addPlaceholderBangdai : t.addPlaceholderMentor}
                style={{ flex: 1, minWidth: 0 }}
                data-testid="studio-member-search"
              />
              <Button
                type="primary"
                onClick={add}
                disabled={!picked}
                loading={busy === "add"}
                data-testid="studio-member-add"
              >
                {t.addMember}
              </Button>
            </Space.Compact>
            <p className="studio-muted studio-members-rule">
              {studio.kind === "bangdai" ? t.bangdaiRuleHint : t.menteeRuleHint}
            </p>
          </>
        )}
        {users.isError && <Alert type="warning" showIcon title={t.loadFailed} />}
        {change.error && (
          <Alert type="error" showIcon title={change.error.message} closable onClose={() => change.reset()} />
        )}

        <h3 className="studio-members-heading">
          {t.currentMembers}（{studio.members.length}）
        </h3>
        <List
          dataSource={studio.members}
          renderItem={(m) => (
            <List.Item
              data-testid="studio-member-row"
              actions={
                m.role === "mentee" && !ended
                  ? [
                      <Popconfirm
                        key="remove"
                        title={t.removeConfirm(m.displayName)}
                        okText={t.remove}
                        cancelText={t.cancel}
                        okButtonProps={{ danger: true }}
                        onConfirm={() =>
                          change.mutate({
                            key: m.userId,
                            run: () => api(`/api/studios/${studio.id}/members/${m.userId}`, { method: "DELETE" }),
                            done: t.removed(m.displayName),
                          })
                        }
                      >
                        <Button
                          size="small"
                          danger
                          loading={busy === m.userId}
                          aria-label={`${t.remove} ${m.displayName}`}
                        >
                          {t.remove}
                        </Button>
                      </Popconfirm>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <>
                    {m.displayName} <Tag>{m.role === "mentor" ? leadLabel(studio.kind) : taughtLabel(studio.kind)}</Tag>
                  </>
                }
                description={t.joinedOn(day(m.joinedAt))}
              />
            </List.Item>
          )}
        />
        <h3 className="studio-members-heading">
          {t.formerMembers}（{studio.formerMembers.length}）
        </h3>
        {studio.formerMembers.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noFormer} />
        ) : (
          <List
            dataSource={studio.formerMembers}
            renderItem={(m) => (
              <List.Item>
                <List.Item.Meta
                  title={<span className="studio-muted">{m.displayName}</span>}
                  description={`${t.joinedOn(day(m.joinedAt))} · ${t.leftOn(day(m.leftAt))}`}
                />
              </List.Item>
            )}
          />
        )}
      </div>
    </Drawer>
  );
}
