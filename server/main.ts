import { ConfigError, parseConfig } from "./config.ts";
import { startServer } from "./server.ts";

/** Entry point: validate the configuration, start, and shut down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
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
  server.ctx.log.info(
    { url: `http://localhost:${server.port}`, db: server.ctx.dbKind, scaleOut: server.ctx.redis ? "redis" : "memory" },
    "社区工作者协作论坛 listening",
  );
  const shutdown = (signal: string) => {
    server.ctx.log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error) => {
        server.ctx.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

void main();
