import type { Server as HttpServer } from "node:http";
import type { PGlite } from "@electric-sql/pglite";
import { LIMITS } from "../shared/limits.ts";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { SessionStore } from "./auth/sessions.ts";
import type { Config } from "./config.ts";
import { type AppContext, type IoServer, userRoom } from "./context.ts";
import { type Database, openDatabase } from "./db/client.ts";
import { seedDemo } from "./db/seed.ts";
import { createFeatures } from "./features.ts";
import { FileService } from "./files/service.ts";
import { createHttpApp } from "./http/app.ts";
import { SensitiveWordList } from "./moderation/wordList.ts";
import { routeUpgrades } from "./http/upgrade.ts";
import { createLogger } from "./lib/logger.ts";
import { connectRedis } from "./lib/redis.ts";
import { createFailureThrottle, createRateLimit } from "./lib/rateLimit.ts";
import { type Authority, createAuthority } from "./realtime/authority.ts";
import { attachIoHandlers, createIoServer } from "./realtime/io.ts";
import { localRelay, redisRelay } from "./yjs/relay.ts";
import { databaseDocStore } from "./yjs/persistence.ts";
import { YjsServer } from "./yjs/server.ts";

export interface RunningServer {
  ctx: AppContext;
  httpServer: HttpServer;
  routes: { method: string; path: string }[];
  port: number;
  url: string;
  /** true when this start wrote the demo district and accounts into an empty database */
  seededDemo: boolean;
  /** graceful: stop accepting, flush document edits, close sockets, close the database */
  close(): Promise<void>;
}

export interface StartOptions {
  /** a migrated PGlite data directory to start from instead of DATA_DIR (tests) */
  loadDataDir?: Blob;
  /** the embedded database on DATA_DIR, already starting (server/main.ts) */
  embedded?: Promise<PGlite>;
}

/** Builds the three doors on one http.Server from a validated config and starts listening. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = createLogger(config.LOG_LEVEL);
  const database: Database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    loadDataDir: options.loadDataDir,
    embedded: options.embedded,
  });
  const features = createFeatures();
  const seededDemo = config.seedDemo ? await seedDemo(database.db, log, features) : false;

  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, log) : undefined;

  const loginDelays = {
    windowSeconds: config.LOGIN_LIMIT_WINDOW_SECONDS,
    firstDelaySeconds: config.LOGIN_DELAY_SECONDS,
    maxDelaySeconds: Math.max(config.LOGIN_DELAY_SECONDS, config.LOGIN_LIMIT_WINDOW_SECONDS),
    redis: redis?.pub,
  };
  const sessions = new SessionStore(database.db, config.SESSION_DAYS * 24 * 60 * 60 * 1000);
  const yjs = new YjsServer({
    store: databaseDocStore(database.db, database.kind),
    sessions,
    log,
    relay: redis ? redisRelay(redis.pub, redis.sub) : localRelay,
    publicOrigin: config.PUBLIC_ORIGIN,
    maxUnsentBytes: config.MAX_UNSENT_BYTES,
  });

  const files = await FileService.create(config, database.db, database.kind, log);
  // Socket.IO is made before the HTTP server it will attach to, so the context is whole before any feature sees it.
  const io: IoServer = createIoServer();
  // The adapter's package is loaded only when scale-out is configured (as the Redis client is).
  if (redis) io.adapter((await import("./realtime/redisAdapter.ts")).softRedisAdapter(redis));
  // Authority changes fan out to every feature, which need the context: the two are made together.
  let authority: Authority | undefined;

  const ctx: AppContext = {
    config,
    db: database.db,
    dbKind: database.kind,
    log,
    sessions,
    files,
    redis,
    io,
    yjs,
    words: new SensitiveWordList(database.db, log, redis),
    limits: {
      loginFailuresByAccountAndAddress: createFailureThrottle({
        name: "login-account-address",
        failures: config.LOGIN_LIMIT_PER_ACCOUNT,
        ...loginDelays,
      }),
      loginFailuresByAddress: createFailureThrottle({
        name: "login-address",
        failures: config.LOGIN_LIMIT_PER_ADDRESS,
        ...loginDelays,
      }),
      registration: createRateLimit({
        name: "register-address",
        points: config.REGISTER_LIMIT_PER_HOUR,
        windowSeconds: 60 * 60,
        redis: redis?.pub,
      }),
      posting: createRateLimit({
        name: "posting",
        points: config.POST_LIMIT_PER_MINUTE,
        windowSeconds: 60,
        redis: redis?.pub,
      }),
      typing: createRateLimit({ name: "typing", points: LIMITS.typingPerMinute, windowSeconds: 60, redis: redis?.pub }),
      voting: createRateLimit({ name: "voting", points: LIMITS.votesPerMinute, windowSeconds: 60, redis: redis?.pub }),
    },
    async cutOffUser(userId, reason) {
      await sessions.invalidateAllForUser(userId);
      io.to(userRoom(userId)).emit("session:ended", { reason });
      io.in(userRoom(userId)).disconnectSockets(true);
      await yjs.disconnectUser(userId);
    },
    async endSession(sessionId, userId) {
      await sessions.invalidate(sessionId);
      for (const socket of await io.in(userRoom(userId)).fetchSockets()) {
        if (socket.data.session?.id !== sessionId) continue;
        socket.emit("session:ended", { reason: "logout" });
        socket.disconnect(true);
      }
      await yjs.disconnectSession(sessionId);
    },
    authorityChanged: (userId) => authority!.changed(userId),
  };
  authority = await createAuthority(ctx, features, redis);

  for (const feature of features) await feature.prepare?.(ctx);
  const app = createHttpApp(ctx, features);
  const httpServer = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }) as HttpServer;
  io.attach(httpServer);
  attachIoHandlers(io, ctx, features);
  for (const feature of features) for (const kind of feature.docKinds?.(ctx) ?? []) yjs.registerKind(kind);
  routeUpgrades(httpServer, yjs);

  await new Promise<void>((resolve, reject) => {
    if (httpServer.listening) return resolve();
    httpServer.once("listening", resolve);
    httpServer.once("error", reject);
  });
  await ctx.words.start();
  for (const feature of features) await feature.start?.(ctx);

  const port = (httpServer.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    ctx,
    httpServer,
    /** every registered HTTP route, for the deny-by-default test */
    routes: app.routes.map((route) => ({ method: route.method, path: route.path })),
    port,
    url: `http://127.0.0.1:${port}`,
    seededDemo,
    close: () =>
      (closing ??= (async () => {
        for (const feature of features) await feature.stop?.(ctx);
        await authority?.close();
        ctx.words.stop();
        await yjs.close();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        httpServer.closeAllConnections?.();
        await files.close();
        await database.close();
        if (redis) {
          redis.pub.disconnect();
          redis.sub.disconnect();
        }
      })()),
  };
}
