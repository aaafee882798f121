import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { AppContext, IoServer } from "../context.ts";
import { userRoom } from "../context.ts";
import type { Feature } from "../feature.ts";
import { sessionTokenFromHeader } from "../http/cookies.ts";
import { isAllowedOrigin } from "../http/origin.ts";

/**
 * The Socket.IO door. The session cookie authenticates the handshake; every socket joins its
 * user's room so the user can be reached (or cut off) on any process.
 */
export function createIoServer(httpServer: HttpServer): IoServer {
  return new Server(httpServer, {
    path: "/socket.io",
    // Without this engine.io closes every upgrade it does not own after a second, /yjs/ included.
    destroyUpgrade: false,
    maxHttpBufferSize: 1_000_000,
    serveClient: false,
  });
}

export function attachIoHandlers(io: IoServer, ctx: AppContext, features: Feature[]): void {
  io.use(async (socket, next) => {
    try {
      const origin = socket.handshake.headers.origin;
      if (origin && !isAllowedOrigin(origin, socket.handshake.headers.host, ctx.config.PUBLIC_ORIGIN)) {
        return next(new Error("forbidden_origin"));
      }
      if (socket.handshake.auth?.guest === true) {
        for (const feature of features) {
          const guest = await feature.guestHandshake?.(ctx, socket.handshake.headers.cookie);
          if (!guest) continue;
          socket.data.user = guest.user;
          socket.data.session = guest.session;
          socket.data.guest = true;
          return next();
        }
        return next(new Error("unauthorized"));
      }
      const token = sessionTokenFromHeader(socket.handshake.headers.cookie);
      const found = token ? await ctx.sessions.validate(token) : null;
      if (!found) return next(new Error("unauthorized"));
      if (found.user.mustChangePassword) return next(new Error("password_change_required"));
      socket.data.user = found.user;
      socket.data.session = found.session;
      next();
    } catch (error) {
      ctx.log.error({ err: error }, "socket handshake failed");
      next(new Error("internal"));
    }
  });

  io.on("connection", (socket) => {
    void socket.join(userRoom(socket.data.user.id));
    if (socket.data.guest) {
      for (const feature of features) feature.guestSocket?.(socket, ctx);
      return;
    }
    for (const feature of features) feature.socket?.(socket, ctx);
  });
}
