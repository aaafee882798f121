import { type Config, ConfigError, parseConfig } from "./config.ts";
import { startEmbedded } from "./db/embedded.ts";

/**
 * Entry point: validate the configuration, start, and end cleanly on a signal or a bug
 * (lib/lifecycle.ts). The embedded database starts before the rest of the server is loaded: most of
 * its start is reading its files and compiling its WASM off this thread, which then overlaps with
 * loading our modules and the packages they use (the bundle keeps those behind a dynamic import).
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const embedded = config.DATABASE_URL ? undefined : startEmbedded({ dataDir: config.DATA_DIR });
  // Awaited by startServer; until then a failure must not count as unhandled (it still ends the start there).
  embedded?.catch(() => {});
  const [{ startServer }, { manageLifecycle }, { DEMO_PASSWORD, DEMO_USERNAMES }] = await Promise.all([
    import("./server.ts"),
    import("./lib/lifecycle.ts"),
    import("./db/seed.ts"),
  ]);
  const server = await startServer(config, { embedded });
  // One line for the person at the terminal before the JSON logs carry on.
  console.log(`已启动：${(config.PUBLIC_ORIGIN ?? `http://localhost:${server.port}`).replace(/\/$/, "")}`);
  if (server.seededDemo) console.log(`演示账号：${DEMO_USERNAMES.join("、")}，密码均为 ${DEMO_PASSWORD}`);
  server.ctx.log.info(
    { url: `http://localhost:${server.port}`, db: server.ctx.dbKind, scaleOut: server.ctx.redis ? "redis" : "memory" },
    "社区工作者协作论坛 listening",
  );
  manageLifecycle(server.close, server.ctx.log);
}

main().catch((error: unknown) => {
  // failed before it could serve (e.g. the database is unreachable): exit so the supervisor retries
  console.error("failed to start:", error);
  process.exit(1);
});
