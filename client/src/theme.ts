import type { ThemeConfig } from "antd";

/**
 * A calm, high-legibility theme: muted blue accents on a light grey page, generous type so the
 * interface also reads on a meeting-room projector.
 */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: "#2b5d8c",
    colorInfo: "#2b5d8c",
    colorSuccess: "#3f8f5a",
    colorWarning: "#c98a1b",
    colorError: "#c0392b",
    colorBgLayout: "#f4f6f8",
    borderRadius: 8,
    fontSize: 15,
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif',
  },
  components: {
    Layout: {
      headerBg: "#ffffff",
      headerHeight: 60,
      headerPadding: "0 20px",
    },
  },
};
