/** Interface text of the notifications bell. */
export const notificationStrings = {
  bellLabel: (unread: number) => (unread > 0 ? `通知（${unread} 条未读）` : "通知"),
  title: "通知",
  empty: "暂无通知",
  markAllRead: "全部标为已读",
  loading: "正在加载…",
  loadFailed: "通知加载失败",
};
