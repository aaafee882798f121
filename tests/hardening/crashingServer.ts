/**
 * Test fixture, run as its own process by process.test.ts: the real server with the real lifecycle
 * handling, plus a deliberate bug once it listens — an unhandled rejection or an uncaught exception,
 * as named by argv[2]. It lives here, not in the product: production code has no crash switch.
 */
import { parseConfig } from "../../server/config.ts";
import { manageLifecycle } from "../../server/lib/lifecycle.ts";
import { startServer } from "../../server/server.ts";

const server = await startServer(parseConfig(process.env));
manageLifecycle(server.close, server.ctx.log);
console.log(`listening ${server.port}`);
setTimeout(() => {
  if (process.argv[2] === "rejection") void Promise.reject(new Error("deliberate bug: rejection"));
  else throw new Error("deliberate bug: exception");
}, 300);
