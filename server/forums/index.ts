import type { AppContext } from "../context.ts";
import type { Feature } from "../features.ts";
import { forumLive } from "./live.ts";
import { forumRoutes } from "./routes.ts";
import { seedForums } from "./seed.ts";
import { forumSocket, recheckForumRooms } from "./socket.ts";

const running = new Set<AppContext>();

/** 书记论坛 / 群众考书记: live forum sessions with synced slides, questions and scoring. */
export const forumsFeature: Feature = {
  name: "forums",
  routes: forumRoutes,
  socket: forumSocket,
  authorityChanged: recheckForumRooms,
  seed: seedForums,
  start(ctx) {
    running.add(ctx);
  },
  stop() {
    // pending coalesced pushes would otherwise fire into a closed server
    for (const ctx of running) forumLive(ctx).stop();
    running.clear();
  },
};
