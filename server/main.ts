import { type Config, ConfigError, parseConfig } from "./config.ts";
import { manageLifecycle } from "./lib/lifecycle.ts";
import { DEMO_PASSWORD, DEMO_USERNAMES } from "./db/seed.ts";
import { startServer } from "./server.ts";

/** Entry point: validate the configuration, start, and end cleanly on a signal or a bug (lib/lifecycle.ts). */
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
  const server = await startServer(config);
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
