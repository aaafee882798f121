import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import type { YjsServer } from "../yjs/server.ts";
import { refuse } from "../yjs/server.ts";

/**
 * The one place that splits WebSocket upgrades by path: /socket.io/ belongs to Socket.IO (which
 * listens on the same server itself), /yjs/ to the document server, anything else is refused.
 */
export function routeUpgrades(httpServer: HttpServer, yjs: YjsServer): void {
  httpServer.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path.startsWith("/socket.io/")) return;
    if (path.startsWith("/yjs/")) {
      void yjs.handleUpgrade(req, socket, head);
      return;
    }
    refuse(socket, 404, "Not Found");
  });
}
