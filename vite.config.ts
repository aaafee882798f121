import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { compression } from "vite-plugin-compression2";
import { VitePWA } from "vite-plugin-pwa";
import { fileURLToPath } from "node:url";
import { antdStyles } from "./client/vite/antdStyles.ts";
import { chineseLabels, chineseLabelsForDeps } from "./client/vite/chineseLabels.ts";
import { firstLoadChunks } from "./client/vite/firstLoadChunks.ts";
import { type FirstLoad, firstLoads } from "./client/vite/firstLoads.ts";
import { narrowImports } from "./client/vite/narrowImports.ts";

const clientRoot = fileURLToPath(new URL("./client", import.meta.url));

/**
 * The pages people open cold, each answered with an index.html that fetches all it runs at once
 * (see client/vite/firstLoads.ts); `npm run build:check` holds each to the JavaScript budget.
 */
const FIRST_LOADS: FirstLoad[] = [
  { name: "login", label: "登录页 /login", pattern: "^/login$", modules: ["src/pages/LoginPage.tsx"] },
  {
    name: "forum-room",
    label: "书记论坛现场（扫码进入）/forums/:id",
    pattern: "^/forums/(?!new$)[^/]+$",
    modules: ["src/layout/AppLayout.tsx", "src/features/forums/index.tsx", "src/features/forums/ForumRoomPage.tsx"],
    // the room's state is asked for over HTTP before the app's scripts have arrived
    bootScripts: ["/boot/forum-room.js"],
  },
  // a resident without an account: the printed ballot code (/g/:code) or the venue QR (/v/:code)
  {
    name: "guest",
    label: "居民现场（选票码）/g/:code",
    pattern: "^/g/[^/]+$",
    modules: ["src/features/guests/GuestCodePage.tsx"],
    // a ballot code's guest session, then its room, are asked for before the app's scripts have arrived
    bootScripts: ["/boot/guest-code.js"],
  },
  {
    name: "venue",
    label: "居民现场（现场二维码）/v/:code",
    pattern: "^/v/[^/]+$",
    modules: ["src/features/guests/GuestVenuePage.tsx"],
  },
];

/** The API server (server/main.ts) listens here in development; the dev server forwards to it. */
const apiTarget = process.env.API_TARGET ?? "http://127.0.0.1:3000";

export default defineConfig({
  root: clientRoot,
  // Text assets are compressed once at build time (gzip and brotli side by side); the server
  // sends whichever the browser accepts and never compresses per request.
  plugins: [
    react(),
    // Chinese screen-reader names where antd's dependencies hard-code English ones
    chineseLabels(),
    // antd's form context takes the form engine's provider from its own file, not the whole engine
    narrowImports(),
    // antd's prebuilt styles as two stylesheets: what the cold-opened pages' first screen needs, then the rest
    antdStyles(),
    // An installable shell: the service worker caches the app's own files only — never API
    // answers, sockets or documents — so a phone can open the hub (and its local copies) while
    // the server is away, and a new release replaces the old shell by itself.
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: false,
      includeAssets: ["icon.svg", "apple-touch-icon.png"],
      manifest: {
        name: "社区工作者协作论坛",
        short_name: "协作论坛",
        description: "柳州市城中区社区工作者协作论坛：书记论坛、导师工作室、党建项目、老书记问答",
        lang: "zh-CN",
        start_url: "/",
        display: "standalone",
        background_color: "#f4f5f7",
        theme_color: "#2b5d8c",
        icons: [
          { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
        // the PDF viewer's worker is large and only needed on forum pages: fetched when used
        globIgnores: ["**/pdf.worker*", "first-load/**"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//, /^\/socket\.io\//, /^\/yjs\//],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
    firstLoads(FIRST_LOADS),
    compression({
      algorithms: ["gzip", "brotliCompress"],
      include: /\.(html|css|js|mjs|json|svg|webmanifest)$/,
      threshold: 1024,
      logLevel: "silent",
    }),
  ],
  resolve: {
    // zod without eval, for our Content-Security-Policy (see client/src/zodConfig.ts)
    alias: [{ find: /^zod$/, replacement: fileURLToPath(new URL("./client/src/zodConfig.ts", import.meta.url)) }],
  },
  optimizeDeps: { rolldownOptions: { plugins: [chineseLabelsForDeps] } },
  build: {
    // Absolute, so it means client/dist whatever the working directory (relative paths resolve from root).
    outDir: fileURLToPath(new URL("./client/dist", import.meta.url)),
    emptyOutDir: true,
    // antd alone is ~1 MB before splitting; route-level chunks keep the first load small.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // What the entry imports statically is one file, not the ~30 small shared chunks the
        // automatic splitting makes of it: on a phone each file is another round trip. What the
        // cold-opened pages add to it is a few files more, one per set of pages sharing it.
        codeSplitting: {
          groups: [
            { name: "initial", tags: ["$initial"], priority: FIRST_LOADS.length + 1 },
            ...firstLoadChunks(FIRST_LOADS, clientRoot),
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
      "/socket.io": { target: apiTarget, ws: true },
      "/yjs": { target: apiTarget, ws: true },
    },
  },
  preview: {
    proxy: {
      "/api": { target: apiTarget },
      "/socket.io": { target: apiTarget, ws: true },
      "/yjs": { target: apiTarget, ws: true },
    },
  },
});
