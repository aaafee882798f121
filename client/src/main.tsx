import { StrictMode, useEffect, useMemo, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { isUnauthorized } from "./api.ts";
import { ME_QUERY_KEY, meQuery } from "./auth.tsx";
import { App, firstScreen } from "./App.tsx";
import { enableLaterStylesAfterPaint } from "./laterStyles.ts";
import { useIdle } from "./layout/useIdle.ts";
import { makeTheme, useLargeScreen } from "./theme.ts";
// antd's styles are prebuilt stylesheets linked from index.html (client/vite/antdStyles.ts; the theme
// sets `zeroRuntime`): computing and inserting them at run time was about a quarter of a phone's
// first render (docs/PERFORMANCE.md, first load).
import "./styles.css";

dayjs.locale("zh-cn");

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    // Any 401 means the session is gone: re-ask /api/session, whose `null` makes RequireAuth send
    // the user to sign in.
    onError: (err, query) => {
      if (isUnauthorized(err) && query.queryKey[0] !== ME_QUERY_KEY[0]) {
        void queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY });
      }
    },
  }),
  defaultOptions: {
    queries: {
      retry: (count, err) => !isUnauthorized(err) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function ThemedRoot({ children }: { children: ReactNode }) {
  const large = useLargeScreen();
  const theme = useMemo(() => makeTheme(large), [large]);
  useEffect(enableLaterStylesAfterPaint, []);
  return (
    <ConfigProvider locale={zhCN} theme={theme}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/**
 * The offline shell (see vite.config.ts) registers once the first screen is up and the browser has
 * had an idle moment: its worker then fetches the whole shell, which on a phone in a hall would
 * otherwise share the network and the main thread with the page being opened (the window's `load`
 * comes before the first render, which waits for the page's data).
 */
function OfflineShell() {
  const idle = useIdle();
  useEffect(() => {
    if (!idle || !import.meta.env.PROD || !("serviceWorker" in navigator)) return;
    void import("virtual:pwa-register").then(({ registerSW }) => registerSW({ immediate: true }));
  }, [idle]);
  return null;
}

// The first render waits for what the page opened needs, all of it already on its way: who is
// signed in (preloaded by index.html) and the page's code (App.tsx). The page then renders in one
// pass, where rendering first would show a spinner, suspend and render again part by part — on a
// throttled phone that cost the forum room about a second. Never longer than FIRST_RENDER_WAIT_MS:
// with the server away, the page shows why rather than index.html's 正在加载.
const FIRST_RENDER_WAIT_MS = 2_000;
const firstRenderReady = Promise.allSettled([firstScreen, queryClient.prefetchQuery(meQuery)]);
void Promise.race([firstRenderReady, new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS))]).then(() =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <OfflineShell />
      <ThemedRoot>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </QueryClientProvider>
      </ThemedRoot>
    </StrictMode>,
  ),
);
