import type { Feature } from "../feature.ts";
import { moveBytesOut } from "../files/moveOut.ts";
import { ballotRoutes, guestRoutes } from "./guestRoutes.ts";
import { guestHandshake } from "./guests.ts";
import { forumLive } from "./live.ts";
import { forumRoutes } from "./routes.ts";
import { forumDecks } from "./schema.ts";
import { seedForums } from "./seed.ts";
import { forumGuestSocket, forumSocket, recheckForumRooms } from "./socket.ts";

/** 书记论坛 / 群众考书记: live forum sessions with synced slides, questions and scoring. */
export const forumsFeature: Feature = {
  name: "forums",
  routes(api, ctx) {
    forumRoutes(api, ctx);
    ballotRoutes(api, ctx);
  },
  // 现场评议: guests open a session with a ballot code and reach only these and the forum's audience events
  publicRoutes: guestRoutes,
  socket: forumSocket,
  guestHandshake,
  guestSocket: forumGuestSocket,
  authorityChanged: recheckForumRooms,
  seed: seedForums,
  async prepare(ctx) {
    const moved = await moveBytesOut(ctx.files, ctx.db, { table: forumDecks, key: forumDecks.talkId, data: forumDecks.data, sha256: forumDecks.fileSha256 });
    if (moved) ctx.log.info({ moved }, "slide decks moved out of the database");
  },
  start(ctx) {
    forumLive(ctx); // the write-behind runs from the start
  },
  async stop(ctx) {
    // the stage of every running forum is written and its ownership handed back before the database closes
    await ctx.forums?.stop();
  },
};
