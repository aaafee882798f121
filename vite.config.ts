import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { compression } from "vite-plugin-compression2";
import { fileURLToPath } from "node:url";

const clientRoot = fileURLToPath(new URL("./client", import.meta.url));

/** The API server (server/main.ts) listens here in development; the dev server forwards to it. */
const apiTarget = process.env.API_TARGET ?? "http://127.0.0.1:3000";

export default defineConfig({
  root: clientRoot,
  // Text assets are compressed once at build time (gzip and brotli side by side); the server
  // sends whichever the browser accepts and never compresses per request.
  plugins: [react(), compression({ algorithms: ["gzip", "brotliCompress"], include: /\.(html|css|js|mjs|json|svg|webmanifest)$/, threshold: 1024, logLevel: "silent" })],
  build: {
    // Absolute, so it means client/dist whatever the working directory (relative paths resolve from root).
    outDir: fileURLToPath(new URL("./client/dist", import.meta.url)),
    emptyOutDir: true,
    // antd alone is ~1 MB before splitting; route-level chunks keep the first load small.
    chunkSizeWarningLimit: 1500,
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
