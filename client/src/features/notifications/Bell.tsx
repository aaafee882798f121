import { BellOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Button, Empty, List, Popover, Typography } from "antd";
import dayjs from "dayjs";
import relativeTime from "dayjs/plugin/relativeTime";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import type { Notification } from "../../../../shared/notifications.ts";
import { api } from "../../api.ts";
import { getSocket } from "../../socket.ts";
import { notificationStrings as t } from "../../strings/notifications.ts";
import { NOTIFICATIONS_QUERY_KEY, type NotificationList } from "./queries.ts";

dayjs.extend(relativeTime);

const QUERY_KEY = NOTIFICATIONS_QUERY_KEY;

/**
 * The bell in the header: unread count, the latest notifications, pushed live over Socket.IO
 * (`notification:new`) and listed over REST. Opening one marks it read and follows its link.
 */
export function Bell() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const { data, isLoading, isError } = useQuery({
    queryKey: QUERY_KEY,
    queryFn: () => api<NotificationList>("/api/notifications"),
  });

  useEffect(() => {
    const socket = getSocket();
    const onNew = (notification: Notification) => {
      queryClient.setQueryData<NotificationList>(QUERY_KEY, (old) => ({
        notifications: [notification, ...(old?.notifications ?? []).filter((n) => n.id !== notification.id)].slice(
          0,
          30,
        ),
        unread: (old?.unread ?? 0) + 1,
      }));
    };
    // After a reconnect some pushes may have been missed: fetch the list again.
    const onConnect = () => void queryClient.invalidateQueries({ queryKey: QUERY_KEY });
    socket.on("notification:new", onNew);
    socket.on("connect", onConnect);
    return () => {
      socket.off("notification:new", onNew);
      socket.off("connect", onConnect);
    };
  }, [queryClient]);

  const markRead = async (body: { ids: string[] } | { all: true }) => {
    const next = await api<NotificationList>("/api/notifications/read", { method: "POST", body });
    queryClient.setQueryData(QUERY_KEY, next);
  };

  const openNotification = async (n: Notification) => {
    setOpen(false);
    if (!n.read) await markRead({ ids: [n.id] }).catch(() => {});
    if (n.link) navigate(n.link);
  };

  const unread = data?.unread ?? 0;
  const content = (
    <div style={{ width: "min(340px, 86vw)" }}>
      {isLoading ? (
        <Typography.Text type="secondary">{t.loading}</Typography.Text>
      ) : isError ? (
        <Typography.Text type="danger">{t.loadFailed}</Typography.Text>
      ) : !data || data.notifications.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.empty} />
      ) : (
        <List
          size="small"
          dataSource={data.notifications}
          style={{ maxHeight: 360, overflowY: "auto" }}
          renderItem={(n) => (
            <List.Item style={{ padding: 0 }}>
              <button
                type="button"
                className="notification-item"
                onClick={() => void openNotification(n)}
                style={{
                  all: "unset",
                  cursor: "pointer",
                  display: "block",
                  width: "100%",
                  padding: "8px 4px",
                  fontWeight: n.read ? 400 : 600,
                }}
              >
                <div>{n.title}</div>
                {n.body && (
                  <Typography.Text type="secondary" ellipsis style={{ display: "block" }}>
                    {n.body}
                  </Typography.Text>
                )}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {dayjs(n.createdAt).fromNow()}
                </Typography.Text>
              </button>
            </List.Item>
          )}
        />
      )}
    </div>
  );

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      // On a phone the bell sits left of the user menu, so a right-aligned popover would start
      // off the left edge: slide it back inside the viewport instead.
      align={{ overflow: { shiftX: true, adjustY: true } }}
      open={open}
      onOpenChange={setOpen}
      title={
        <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
          <span>{t.title}</span>
          {unread > 0 && (
            <Button size="small" type="link" onClick={() => void markRead({ all: true })}>
              {t.markAllRead}
            </Button>
          )}
        </div>
      }
      content={content}
    >
      <Button
        type="text"
        aria-label={t.bellLabel(unread)}
        icon={
          <Badge count={unread} size="small">
            <BellOutlined style={{ fontSize: 18 }} />
          </Badge>
        }
      />
    </Popover>
  );
}

export default Bell;
