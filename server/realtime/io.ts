import { Server } from "socket.io";
import type { AppContext, IoServer } from "../context.ts";
import { userRoom } from "../context.ts";
import type { Feature } from "../feature.ts";
import { assertOwnOrigin, type DoorRequest, handshake, HandshakeError } from "../auth/handshake.ts";
import { dropWhenBacklogged } from "./backlog.ts";
import { writeBroadcastsDirectly } from "./directFrames.ts";

/**
 * The Socket.IO door. The session cookie authenticates the handshake; every socket joins its
 * user's room so the user can be reached (or cut off) on any process. Made before the HTTP
 * server and attached to it once that exists.
 */
export function createIoServer(): IoServer {
  return new Server({
    path: "/socket.io",
    // Without this engine.io closes every upgrade it does not own after a second, /yjs/ included.
    destroyUpgrade: false,
    maxHttpBufferSize: 1_000_000,
    serveClient: false,
  });
}

export function attachIoHandlers(io: IoServer, ctx: AppContext, features: Feature[]): void {
  io.use(async (socket, next) => {
    const headers = socket.handshake.headers;
    const request: DoorRequest = { origin: headers.origin, host: headers.host, cookie: headers.cookie };
    try {
      if (socket.handshake.auth?.guest === true) {
        assertOwnOrigin(request, ctx.config.PUBLIC_ORIGIN);
        for (const feature of features) {
          const guest = await feature.guestHandshake?.(ctx, request.cookie);
          if (!guest) continue;
          socket.data.user = guest.user;
          socket.data.session = guest.session;
          socket.data.guest = true;
          return next();
        }
        return next(new Error("unauthorized"));
      }
      const { user, session } = await handshake(ctx.sessions, request, ctx.config.PUBLIC_ORIGIN);
      socket.data.user = user;
      socket.data.session = session;
      next();
    } catch (error) {
      // The client reads the refusal's code from the connect error's message.
      if (error instanceof HandshakeError) return next(new Error(error.code));
      ctx.log.error({ err: error }, "socket handshake failed");
      next(new Error("internal"));
    }
  });

  io.on("connection", (socket) => {
    writeBroadcastsDirectly(socket);
    // after the shortcut, so its check comes first on every packet
    dropWhenBacklogged(socket, ctx.config.MAX_UNSENT_BYTES, ctx.log);
    void socket.join(userRoom(socket.data.user.id));
    if (socket.data.guest) {
      for (const feature of features) feature.guestSocket?.(socket, ctx);
      return;
    }
    for (const feature of features) feature.socket?.(socket, ctx);
  });
}
