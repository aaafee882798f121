import { useSyncExternalStore } from "react";
import type { ThemeConfig } from "antd";

const FONT_FAMILY =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif';

/**
 * A calm, high-legibility theme: muted blue accents on a light grey page. On wide screens
 * (meeting-room projectors, large monitors) the type grows so the back row can read it.
 */
export function makeTheme(large: boolean): ThemeConfig {
  return {
    // styles come from antd/dist/antd.css (main.tsx); the tokens below still apply, as CSS variables
    zeroRuntime: true,
    token: {
      colorPrimary: "#2b5d8c",
      colorInfo: "#2b5d8c",
      colorSuccess: "#3f8f5a",
      // antd derives these from the muted accents above as greys (#c0c8cc), which made info and
      // success alerts look disabled: light tints of the same blue and green instead.
      colorInfoBg: "#edf3f9",
      colorInfoBorder: "#b4cbe0",
      colorSuccessBg: "#eef6f0",
      colorSuccessBorder: "#b3d5bd",
      colorWarning: "#c98a1b",
      colorError: "#c0392b",
      colorBgLayout: "#f4f6f8",
      borderRadius: 8,
      fontSize: large ? 17 : 15,
      fontFamily: FONT_FAMILY,
    },
    components: {
      Layout: {
        headerBg: "#ffffff",
        headerHeight: large ? 68 : 60,
        headerPadding: "0 20px",
      },
    },
  };
}

const LARGE_QUERY = "(min-width: 1600px)";

function subscribe(onChange: () => void) {
  const media = window.matchMedia(LARGE_QUERY);
  media.addEventListener("change", onChange);
  return () => media.removeEventListener("change", onChange);
}

/** True on projector-sized screens; follows window resizes. */
export function useLargeScreen(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(LARGE_QUERY).matches,
    () => false,
  );
}
